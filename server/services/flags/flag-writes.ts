import type { Prisma } from "../../db/client";
import { asJson } from "../../db/json";
import { AppError } from "../../domain/errors";
import type { FlagConfig } from "../../domain/flags";
import type { DomainEvents } from "../events/event-bus";
import { configOf, flagConfigColumns } from "./flag-rows";

type Tx = Prisma.TransactionClient;

/** What a flag write reads first: enough to check, compare-and-set and audit. */
export const writableFlagSelect = {
  id: true,
  key: true,
  description: true,
  ...flagConfigColumns,
  archivedAt: true,
  rolloutId: true,
  version: true,
  rollout: { select: { id: true, state: true, exposurePercent: true } },
} satisfies Prisma.FlagSelect;

export type WritableFlag = Prisma.FlagGetPayload<{ select: typeof writableFlagSelect }>;

/** Loads a flag that may still change: it exists, is not archived and is the version the caller saw. */
export async function loadWritableFlag(tx: Tx, key: string, expectedVersion?: number): Promise<WritableFlag> {
  const row = await tx.flag.findUnique({ where: { key }, select: writableFlagSelect });
  if (!row) throw new AppError("NOT_FOUND", `No flag with key ${key}`, "key");
  if (row.archivedAt)
    throw new AppError("ILLEGAL_TRANSITION", `flag ${key} is archived and cannot change`, "key");
  if (expectedVersion !== undefined && row.version !== expectedVersion) throw conflict(row);
  return row;
}

function conflict(row: { key: string; version: number }): AppError {
  return new AppError(
    "CONFLICT",
    `flag ${row.key} changed (version ${row.version} is no longer current); reload and retry`,
    "version",
  );
}

/** Writes `data` only if nobody changed the flag since it was read, and bumps its version. */
export async function writeFlag(tx: Tx, row: WritableFlag, data: Prisma.FlagUncheckedUpdateManyInput) {
  const { count } = await tx.flag.updateMany({
    where: { id: row.id, version: row.version },
    data: { ...data, version: { increment: 1 } },
  });
  if (count === 0) throw conflict(row);
  return row.version + 1;
}

/** What to announce once a write to the flag commits as `version`: its rollout's page shows it too. */
export function flagChanged(
  flag: Pick<WritableFlag, "key" | "rolloutId">,
  version: number,
): DomainEvents["flag.changed"] {
  return { kind: "flag", key: flag.key, version, rolloutId: flag.rolloutId };
}

/** Segment keys that exist among `keys`. */
export async function existingSegments(
  tx: Pick<Tx, "segment">,
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await tx.segment.findMany({ where: { key: { in: [...keys] } }, select: { key: true } });
  return new Set(rows.map((r) => r.key));
}

/** Columns of a checked config. */
export function configColumns(config: FlagConfig) {
  return {
    variants: asJson(config.variants),
    defaultVariant: config.defaultVariant,
    offVariant: config.offVariant,
    rules: asJson(config.rules),
    percentageVariant: config.percentageVariant,
    percentage: config.percentage,
  };
}

/** What an audit event shows of a flag before and after a change. */
export function flagAudit(
  flag: FlagConfig & Pick<WritableFlag, "description" | "enabled" | "killed" | "temporary" | "rolloutId">,
): Prisma.InputJsonValue {
  const { variants, defaultVariant, offVariant, rules, percentageVariant, percentage } = flag;
  const { description, enabled, killed, temporary, rolloutId } = flag;
  return asJson({
    description,
    variants,
    defaultVariant,
    offVariant,
    rules,
    percentageVariant,
    percentage,
    enabled,
    killed,
    temporary,
    rolloutId,
  });
}

/** The audit view of a loaded row. */
export function auditOf(row: WritableFlag): Prisma.InputJsonValue {
  return flagAudit({ ...row, ...configOf(row) });
}
