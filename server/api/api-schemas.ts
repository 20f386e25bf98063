import { z } from "zod";
import { MECHANISMS, type Mechanism, ROLLOUT_STATES, type RolloutState } from "../domain/rollout";
import { auditCursorSchema, auditFilterSchema } from "../services/audit/audit-filter";
import { gateSetSchema } from "../validation/gate-schema";
import { reason, text } from "../validation/text";

/**
 * Request schemas of /api/v1. They check shape and types only; the domain checks meaning (a plan's
 * holds and exposures, a sample's counts), so each rule lives in one place and names its field. Gates
 * are the exception: their meaning checks live in the one gate schema the admin's gate defaults share.
 */
const name = text(200);
export const idempotencyKey = text(200);
/** A rollout's risk tags, however they arrive (this body, Flagger's metadata). */
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;
/** The largest time a JavaScript Date can hold. */
const MAX_EPOCH_MS = 8.64e15;

export const rolloutIdParams = z.object({ id: text(64) });
export const serviceParams = z.object({ service: name });

const planStep = z.strictObject({
  exposurePercent: z.number().describe("0..100 in steps of 0.01; strictly increasing across steps"),
  holdSeconds: z.number().describe("Bake time at this exposure before its gates can pass it; > 0"),
  requiresApproval: z.boolean(),
  // An empty list still means the defaults, so it is read as omitted before the set's "at least one".
  gates: z
    .preprocess(
      (gates) => (Array.isArray(gates) && gates.length === 0 ? undefined : gates),
      gateSetSchema.optional(),
    )
    .meta({ minItems: 0 })
    .describe("Omitted or empty: the gate defaults (the service's, else the global ones an admin set)"),
  ring: z
    .strictObject({
      name: text(100),
      members: z
        .array(z.strictObject({ kind: z.enum(["segment", "tenant", "region"]), id: text(200) }))
        .max(500),
    })
    .optional()
    .describe("Ring rollouts only: the ring this step adds"),
});

export const deployBody = z.strictObject({
  service: name,
  environment: text(100),
  version: text(100),
  artifact: text(1000),
});

export const createRolloutBody = z.strictObject({
  service: name,
  environment: text(100),
  version: text(100),
  mechanism: z.enum(MECHANISMS as [Mechanism, ...Mechanism[]]),
  steps: z
    .array(planStep)
    .max(50)
    .optional()
    .describe("Omitted: the mechanism's default plan (rings: required)"),
  tags: z.array(text(MAX_TAG_LENGTH)).max(MAX_TAGS).optional(),
  candidateColour: z.enum(["blue", "green"]).optional(),
  appliedBy: text(100).optional().describe("What applies the exposure: a flag system, a mesh, a router"),
  flagKey: text(100).optional().describe("Flag rollouts: the flag to drive (created when missing)"),
  schemaBakeSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .optional()
    .describe("Schema-affecting rollouts: time at 100% before the contract phase (default a day)"),
  idempotencyKey: idempotencyKey
    .optional()
    .describe("Same as the Idempotency-Key header: a repeat creates nothing"),
});

/** Start, advance, approve and resume: no reason (the audit would have nowhere to keep one). */
export const commandBody = z.strictObject({
  expectedVersion: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "The version you last saw; a newer one answers 409 instead of acting twice. Pause and kill ignore it: they act on the rollout as it is",
    ),
  idempotencyKey: idempotencyKey.optional().describe("Same as the Idempotency-Key header"),
});

export const pauseCommandBody = commandBody.extend({ reason: reason.optional() });
export const reasonedCommandBody = commandBody.extend({ reason });

export const idempotencyHeaders = z.object({
  "idempotency-key": idempotencyKey.optional().describe("Repeats with the same key have no second effect"),
});

export const killBody = z
  .strictObject({
    service: name.optional().describe("Kill every active rollout of this service"),
    all: z.literal(true).optional().describe("Kill every active rollout of every service"),
    reason,
    idempotencyKey: idempotencyKey.optional().describe("Required here or in the Idempotency-Key header"),
  })
  .superRefine((body, ctx) => {
    if ((body.service === undefined) === (body.all === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["service"],
        message: 'name a service or send "all": true, not both',
      });
    }
  });

const incidentId = text(200).describe("The incident tool's own id; repeats update the same incident");
const incidentServices = z.array(name).min(1).max(200).describe('Service names, or ["*"] for every service');

/** Declaring needs severity and services; resolving needs only the id (the rest is accepted and ignored). */
export const incidentBody = z.discriminatedUnion("status", [
  z.strictObject({
    id: incidentId,
    title: text(500).optional(),
    severity: text(50),
    services: incidentServices,
    status: z.literal("active"),
  }),
  z.strictObject({
    id: incidentId,
    title: text(500).optional(),
    severity: text(50).optional(),
    services: incidentServices.optional(),
    status: z.literal("resolved"),
  }),
]);

/** Samples are stored in 32-bit integer columns; the domain checks the counts are whole and ≥ 0. */
const count = z.number().max(2_147_483_647, "must fit a 32-bit integer");
/** What every pushed sample carries: one interval's traffic. */
const trafficFields = {
  intervalEnd: z
    .union([z.number().int().min(0).max(MAX_EPOCH_MS), z.iso.datetime({ offset: true })])
    .transform((v) => (typeof v === "number" ? v : Date.parse(v)))
    .describe("End of the interval: epoch milliseconds or an ISO 8601 date-time"),
  intervalSeconds: z.number().int().min(1).max(86_400),
  requests: count,
  errors: count,
  latency: z.strictObject({
    bounds: z.array(z.number()).max(100).describe("Upper bounds of the histogram buckets, ms"),
    counts: z.array(count).max(101).describe("One count per bound plus one overflow bucket"),
  }),
};

export const sampleSchema = z.strictObject({
  rolloutId: text(64),
  cohort: z.enum(["baseline", "canary"]),
  ...trafficFields,
  conversions: z
    .strictObject({ successes: count, trials: count })
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});

export const metricsBody = z.strictObject({ samples: z.array(sampleSchema).max(1000) });

export const serviceMetricsBody = z.strictObject({
  samples: z
    .array(z.strictObject({ service: text(200), environment: text(200), ...trafficFields }))
    .max(1000),
});

export const exposureHeaders = z.object({
  "if-none-match": z.string().max(1000).optional().describe("The ETag you hold; unchanged answers 304"),
});

/** A page size from the query string: digits only (not "1e2", " 5" or an empty value read as 0). */
const pageLimit = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .optional()
    .transform((limit) => limit ?? fallback)
    .meta({
      type: "integer",
      minimum: 1,
      maximum: max,
      default: fallback,
      description: `${fallback} if not given`,
    });
const NEXT_CURSOR = "The `nextCursor` of the previous page";

const isState = (state: string): state is RolloutState =>
  (ROLLOUT_STATES as readonly string[]).includes(state);
const states = z
  .string()
  .transform((value, ctx) => {
    const list = value.split(",").map((s) => s.trim());
    const unknown = list.find((s) => !isState(s));
    if (unknown === undefined) return list as RolloutState[];
    ctx.issues.push({
      code: "custom",
      input: value,
      message: `${JSON.stringify(unknown)} is not one of ${ROLLOUT_STATES.join(", ")}`,
    });
    return z.NEVER;
  })
  .describe(`One of ${ROLLOUT_STATES.join(", ")}; or several, comma-separated, e.g. \`running,paused\``);

export const rolloutListQuery = z.strictObject({
  service: name.optional().describe("Only this service's rollouts"),
  environment: name.optional().describe("Only rollouts of releases to this environment"),
  state: states.optional(),
  limit: pageLimit(500, 100),
  cursor: z.string().max(200).optional().describe(NEXT_CURSOR),
});

export const auditExportQuery = auditFilterSchema.strict();
export const auditListQuery = auditExportQuery.extend({
  limit: pageLimit(200, 200),
  cursor: auditCursorSchema.optional().describe(NEXT_CURSOR),
});
