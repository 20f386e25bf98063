import { asJson } from "../../db/json";
import type { GateConfig } from "../../domain/analysis/gate-config";
import { AppError } from "../../domain/errors";
import {
  blueGreenPlan,
  type Colour,
  defaultCanaryPlan,
  type Mechanism,
  needsSchemaChange,
  newRolloutDraft,
  type PlanStep,
  type SchemaChange,
} from "../../domain/rollout";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import { sha256Hex } from "../audit/sha256";
import type { ServiceContext } from "../context";
import { linkRolloutFlag } from "../flags/link-rollout-flag";
import { resolveGateDefaults } from "../gates/resolve-gate-defaults";
import { auditSummary, snapshotColumns } from "./rollout-snapshot";

export interface CreateRolloutInput {
  service: string;
  environment: string;
  version: string;
  mechanism: Mechanism;
  /** Omitted: the default plan for the mechanism (rings must always be given). */
  steps?: readonly PlanStepInput[];
  tags?: readonly string[];
  candidateColour?: Colour;
  appliedBy?: string;
  /**
   * A Kubernetes controller that applies the exposure and asks Sluice before each step (Flagger). The
   * generation is the rollout's place in the ref's history, unique per (name, ref): a concurrent
   * creation of the same generation is refused (P2002).
   */
  controller?: { name: string; ref: string; revision: string; generation: number };
  /** Flag rollouts: the flag to drive, created (temporary, on/off) when missing; default `<service>.release-<version>`. */
  flagKey?: string;
  /** Schema-affecting rollouts: how long to sit at 100% before the contract phase (default a day). */
  schemaBakeSeconds?: number;
  /** A repeat with the same key returns the first rollout instead of creating another (re-apply after a kill). */
  idempotencyKey?: string;
}

/** A step as asked for: without gates (or with none) it gets the gate defaults. */
export type PlanStepInput = Omit<PlanStep, "gates"> & { gates?: PlanStep["gates"] };

const hasGates = (step: PlanStepInput) => (step.gates?.length ?? 0) > 0;

const DEFAULT_SCHEMA_BAKE_SECONDS = 24 * 3600;

function defaultPlan(mechanism: Mechanism, gates: readonly GateConfig[]): PlanStep[] {
  switch (mechanism) {
    case "flag":
    case "canary":
      return defaultCanaryPlan({ gates });
    case "blue-green":
      return blueGreenPlan({ gates });
    case "ring":
      throw new AppError("BAD_INPUT", "steps: a ring rollout must list its rings", "steps");
  }
}

/** Creates a draft rollout of a deployed release. The plan is checked before anything is stored. */
export async function createRollout(
  ctx: ServiceContext,
  actor: CommandActor,
  input: CreateRolloutInput,
): Promise<{ id: string; repeated: boolean }> {
  const release = await ctx.db.release.findFirst({
    where: { service: { name: input.service }, environment: input.environment, version: input.version },
    select: { id: true, serviceId: true },
  });
  if (!release) {
    throw new AppError(
      "NOT_FOUND",
      `No deploy of ${input.service} ${input.version} to ${input.environment}; register the deploy first`,
      "version",
    );
  }
  if (input.flagKey !== undefined && input.mechanism !== "flag") {
    throw new AppError("BAD_INPUT", "flagKey: only a flag rollout drives a flag", "flagKey");
  }
  // Steps without gates get the admin's gate defaults (else the code's); the plan stores them, so later
  // edits of the defaults never change this rollout.
  const gates = input.steps?.every(hasGates) ? [] : await resolveGateDefaults(ctx.db, release.serviceId);
  const steps: PlanStep[] = input.steps
    ? input.steps.map((step) => ({ ...step, gates: hasGates(step) ? (step.gates ?? []) : gates }))
    : defaultPlan(input.mechanism, gates);
  // Validate with a placeholder id: nothing is written unless the plan is sound.
  const draft = newRolloutDraft({ ...input, steps, id: "new", serviceId: input.service });
  const now = ctx.now();
  const { idempotencyKey: _key, ...request } = input;
  const fingerprint = sha256Hex(JSON.stringify(request));
  const { rollout, flag, repeated } = await ctx.db.$transaction(async (tx) => {
    if (input.idempotencyKey) {
      const key = `create:${input.service}:${input.idempotencyKey}`;
      const { count } = await tx.idempotencyKey.createMany({
        data: [{ key, command: "create", result: {} }],
        skipDuplicates: true,
      });
      if (count === 0) {
        const earlier = (await tx.idempotencyKey.findUniqueOrThrow({ where: { key } })).result as {
          id: string;
          request?: string;
        };
        // A retry repeats its request; the same key on another request is a client bug, not a retry.
        if (earlier.request !== undefined && earlier.request !== fingerprint) {
          throw new AppError(
            "CONFLICT",
            `idempotencyKey: ${input.idempotencyKey} was used for a different request (rollout ${earlier.id}); use a new key`,
            "idempotencyKey",
          );
        }
        await recordAuditEvent(tx, {
          actor,
          action: "rollout.create-repeated",
          targetType: "rollout",
          targetId: earlier.id,
          reason: `idempotency key ${input.idempotencyKey} already used; no second rollout`,
          at: now,
        });
        return { rollout: earlier, flag: null, repeated: true };
      }
    }
    const created = await tx.rollout.create({
      data: {
        serviceId: release.serviceId,
        releaseId: release.id,
        mechanism: draft.mechanism,
        tags: [...draft.tags],
        candidateColour: draft.candidateColour ?? null,
        appliedBy: input.appliedBy ?? (draft.mechanism === "flag" ? "sluice flags" : "sluice"),
        controller: input.controller?.name,
        controllerRef: input.controller?.ref,
        controllerRevision: input.controller?.revision,
        controllerGeneration: input.controller?.generation,
        ...snapshotColumns(draft),
        steps: asJson(steps),
        createdBy: actor.id,
        schemaChange: needsSchemaChange(draft.tags)
          ? asJson({
              phase: "expand",
              bakeSeconds: input.schemaBakeSeconds ?? DEFAULT_SCHEMA_BAKE_SECONDS,
              phaseEnteredAt: now.getTime(),
            } satisfies SchemaChange)
          : undefined,
      },
      select: { id: true },
    });
    if (input.idempotencyKey) {
      await tx.idempotencyKey.update({
        where: { key: `create:${input.service}:${input.idempotencyKey}` },
        data: { result: { id: created.id, request: fingerprint } },
      });
    }
    await recordAuditEvent(tx, {
      actor,
      action: "rollout.created",
      targetType: "rollout",
      targetId: created.id,
      after: {
        ...auditSummary(draft),
        mechanism: draft.mechanism,
        steps: asJson(steps),
        tags: [...draft.tags],
      },
      at: now,
    });
    const flag =
      draft.mechanism === "flag"
        ? await linkRolloutFlag(
            tx,
            actor,
            {
              rolloutId: created.id,
              serviceId: release.serviceId,
              service: input.service,
              version: input.version,
              steps,
              flagKey: input.flagKey,
            },
            now,
          )
        : null;
    return { rollout: created, flag, repeated: false };
  });
  if (repeated) return { id: rollout.id, repeated };
  ctx.events.publish("rollout.changed", {
    rolloutId: rollout.id,
    version: 0,
    state: "draft",
    exposurePercent: 0,
  });
  if (flag) ctx.events.publish("flag.changed", flag);
  return { id: rollout.id, repeated };
}
