import type { Prisma } from "../../db/client";
import type { CommandActor } from "../actors";

type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  actor: CommandActor;
  action: string;
  targetType: "rollout" | "service" | "release" | "user" | "incident" | "token" | "flag";
  targetId: string;
  reason?: string | null;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  at: Date;
}

/** Appends an audit event inside the caller's transaction, so it commits or rolls back with the change. */
export async function recordAuditEvent(tx: Tx, entry: AuditEntry): Promise<{ id: bigint }> {
  return tx.auditEvent.create({
    data: {
      at: entry.at,
      actor: `${entry.actor.role}:${entry.actor.name}`,
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
