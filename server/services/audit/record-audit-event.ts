import type { Actor } from "../../auth/permissions";
import type { Prisma } from "../../db/client";

type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  actor: Actor | "system";
  action: string;
  targetType: "rollout" | "service" | "user" | "incident";
  targetId: string;
  reason?: string | null;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  at: Date;
}

/** Appends an audit event inside the caller's transaction, so it commits or rolls back with the change. */
export async function recordAuditEvent(tx: Tx, entry: AuditEntry): Promise<{ id: bigint }> {
  const actor = entry.actor === "system" ? "system" : `${entry.actor.role}:${entry.actor.name}`;
  return tx.auditEvent.create({
    data: {
      at: entry.at,
      actor,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      reason: entry.reason ?? null,
      before: entry.before,
      after: entry.after,
    },
    select: { id: true },
  });
}
