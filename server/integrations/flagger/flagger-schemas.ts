import { z } from "zod";
import { MAX_TAG_LENGTH, MAX_TAGS } from "../../api/api-schemas";
import { withoutReservedKeys } from "../../validation/reserved-keys";
import { NOT_STORABLE, storable, text } from "../../validation/text";

/** Kubernetes object names: DNS-1123 labels or subdomains, at most 253 characters. */
const kubernetesName = text(253).regex(
  /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
  "must be a Kubernetes name (lower-case letters, digits, '-' and '.')",
);

/**
 * Flagger sends every metadata value as a string (a map[string]string in its Canary spec). A reserved key
 * is refused, as for flag variants: zod would drop a `__proto__` key without a word.
 */
const metadata = withoutReservedKeys(z.record(text(100), z.string().max(2000)).default({}));

/** Flagger's webhook payload (CanaryWebhookPayload); unknown fields are ignored, as Flagger adds some over versions. */
export const flaggerHookBody = z.object({
  name: kubernetesName,
  namespace: kubernetesName,
  phase: text(50),
  checksum: text(200).describe("The canary's revision; a new checksum is a new Sluice rollout"),
  metadata,
});

/** Flagger's event payload: the same canary fields, its event in `metadata`; checksum only on newer Flagger. */
export const flaggerEventBody = z.object({
  name: kubernetesName,
  namespace: kubernetesName,
  phase: text(50),
  checksum: text(200).optional(),
  metadata: z.object({
    // May be empty; stored as the audit event's reason, so it must be storable.
    eventMessage: z.string().max(2000).refine(storable, NOT_STORABLE),
    eventType: text(50),
    timestamp: z
      .string()
      .regex(/^\d{1,16}$/, "must be a Unix timestamp in milliseconds")
      .optional(),
  }),
});
export type FlaggerEventBody = z.output<typeof flaggerEventBody>;

const percentList = z
  .string()
  .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, "must be comma-separated percentages, e.g. 10,25,50,100")
  .transform((value) => value.split(",").map((p) => Number(p.trim())));

/**
 * The Canary webhook's metadata keys Sluice reads when it first meets a canary revision; every key is
 * optional. The plan's exposures come from `weights` (Sluice's default ramp otherwise).
 */
export const canaryMetadata = z.object({
  service: text(200).optional().describe("Sluice service; default the canary's name"),
  environment: text(100).optional().describe("Default the canary's namespace"),
  version: text(100).optional().describe("Release version; default the checksum"),
  weights: percentList.optional(),
  holdSeconds: z
    .string()
    .regex(/^\d{1,8}$/, "must be a whole number of seconds")
    .transform(Number)
    .optional(),
  approveAt: percentList.optional().describe("Exposures that wait for a human approval in Sluice"),
  tags: z
    .string()
    .max(2000)
    .refine(storable, NOT_STORABLE)
    .transform((value) =>
      value
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    )
    .superRefine((tags, ctx) => {
      // REST's limits (createRolloutBody), named as the one field Flagger sends.
      if (tags.length > MAX_TAGS) ctx.addIssue({ code: "custom", message: `at most ${MAX_TAGS} tags` });
      const long = tags.findIndex((tag) => tag.length > MAX_TAG_LENGTH);
      if (long >= 0) {
        ctx.addIssue({
          code: "custom",
          message: `tag ${long + 1} is longer than ${MAX_TAG_LENGTH} characters`,
        });
      }
    })
    .optional()
    .describe(`Comma-separated, at most ${MAX_TAGS} tags of ${MAX_TAG_LENGTH} characters`),
  token: z.string().optional(),
});
export type CanaryMetadata = z.output<typeof canaryMetadata>;
