import type { Prisma } from "../../db/client";
import { AppError } from "../../domain/errors";
import type { FlagConfig } from "../../domain/flags";
import { isTerminalState, type PlanStep } from "../../domain/rollout";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { DomainEvents } from "../events/event-bus";
import { configOf } from "./flag-rows";
import { flagKeySchema } from "./flag-schemas";
import { auditOf, configColumns, flagAudit, flagChanged, writableFlagSelect, writeFlag } from "./flag-writes";

export interface RolloutFlagInput {
  rolloutId: string;
  serviceId: string;
  service: string;
  version: string;
  /** The rollout's plan, already validated. */
  steps: readonly PlanStep[];
  /** An existing flag of the service to link, or the key of the new one; default `<service>.release-<version>`. */
  flagKey?: string;
}

/** `checkout-api` 2.14.0+b7 → `checkout-api.release-2.14.0-b7`: a valid flag key, at most 100 characters. */
export function defaultRolloutFlagKey(service: string, version: string): string {
  const key = `${service}.release-${version}`.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return key.slice(0, 100) || "release";
}

/** The temporary flag a new flag rollout creates: false until the rollout exposes a key to `on`. */
const releaseFlagConfig: FlagConfig = {
  variants: [
    { name: "on", value: true },
    { name: "off", value: false },
  ],
  defaultVariant: "off",
  offVariant: "off",
  rules: [],
  percentageVariant: "on",
  percentage: null,
};

/**
 * Inside the transaction creating a `flag` rollout: links the flag whose percentage the rollout's exposure
 * drives, creating a temporary on/off flag when none has the key. Returns the change to announce after
 * the commit.
 */
export async function linkRolloutFlag(
  tx: Prisma.TransactionClient,
  actor: CommandActor,
  input: RolloutFlagInput,
  now: Date,
): Promise<DomainEvents["flag.changed"]> {
  const key = input.flagKey ?? defaultRolloutFlagKey(input.service, input.version);
  if (!flagKeySchema.safeParse(key).success) {
    throw new AppError("BAD_INPUT", `flagKey: ${key} is not a valid flag key`, "flagKey");
  }
  const existing = await tx.flag.findUnique({
    where: { key },
    select: { ...writableFlagSelect, serviceId: true },
  });
  if (!existing) {
    const flag = {
      description: `Gates ${input.service} ${input.version}`,
      enabled: true,
      killed: false,
      temporary: true,
      rolloutId: input.rolloutId,
    };
    await tx.flag.create({
      data: {
        key,
        serviceId: input.serviceId,
        ...configColumns(releaseFlagConfig),
        ...flag,
        createdAt: now,
      },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "flag.created",
      targetType: "flag",
      targetId: key,
      reason: `gates rollout ${input.rolloutId}`,
      after: flagAudit({ ...releaseFlagConfig, ...flag }),
      at: now,
    });
    return flagChanged({ key, rolloutId: input.rolloutId }, 0);
  }
  if (existing.serviceId !== input.serviceId) {
    throw new AppError("BAD_INPUT", `flagKey: flag ${key} belongs to another service`, "flagKey");
  }
  if (existing.archivedAt) throw new AppError("BAD_INPUT", `flagKey: flag ${key} is archived`, "flagKey");
  const current = existing.rollout;
  if (current && !isTerminalState(current.state)) {
    throw new AppError("CONFLICT", `flagKey: flag ${key} already gates rollout ${current.id}`, "flagKey");
  }
  // The rest of the flag was checked when it was written; only a rollout needs a variant to expose.
  if (existing.percentageVariant === null) {
    throw new AppError("BAD_INPUT", `flagKey: flag ${key} names no percentageVariant to expose`, "flagKey");
  }
  // A plan starting below what the flag has released (its own percentage, or what a completed rollout
  // took it to) could only take the feature from those users. A rolled-back or aborted rollout's
  // exposure was never released: the next release's plan starts over.
  const first = input.steps[0]?.exposurePercent ?? 0;
  const completed = existing.rollout?.state === "completed" ? existing.rollout.exposurePercent : 0;
  const served = Math.max(existing.percentage ?? 0, completed);
  if (served > first) {
    const field = "steps[0].exposurePercent";
    const floor = `${served}%`;
    throw new AppError(
      "BAD_INPUT",
      `${field}: flag ${key} already serves ${floor}; the first step must be at least ${floor}`,
      field,
    );
  }
  const version = await writeFlag(tx, existing, { rolloutId: input.rolloutId });
  await recordAuditEvent(tx, {
    actor,
    action: "flag.linked",
    targetType: "flag",
    targetId: key,
    reason: `gates rollout ${input.rolloutId}`,
    before: auditOf(existing),
    after: flagAudit({ ...existing, ...configOf(existing), rolloutId: input.rolloutId }),
    at: now,
  });
  return flagChanged({ key, rolloutId: input.rolloutId }, version);
}
