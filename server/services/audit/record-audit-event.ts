import { ADVISORY_LOCKS } from "../../db/advisory-locks";
import type { Prisma } from "../../db/client";
import { GENESIS_HASH, hashAuditEvent, normaliseJson } from "../../domain/audit";
import type { CommandActor } from "../actors";
import { sha256Hex } from "./sha256";

type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  actor: CommandActor;
  action: string;
  targetType:
    | "rollout"
    | "service"
    | "release"
    | "user"
    | "incident"
    | "token"
    | "flag"
    | "controller"
    | "notification-channel"
    | "gate-defaults";
  targetId: string;
  reason?: string | null;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  at: Date;
}

export const AUDIT_CHAIN_LOCK_KEY = ADVISORY_LOCKS.auditChain;

/**
 * Appends an audit event inside the caller's transaction, so it commits or rolls back with the change.
 *
 * Appends are serialised by a transaction-scoped advisory lock, held until the caller commits or rolls
 * back: the next writer then reads the last committed event (READ COMMITTED takes a new snapshot per
 * statement) and chains onto it. The id is drawn under the lock, so id order is chain order; ids a
 * rolled-back transaction drew are gaps, which the chain ignores (it links by order, not id + 1).
 * Callers should record their audit event last in the transaction, to hold the lock briefly.
 */
export async function recordAuditEvent(tx: Tx, entry: AuditEntry): Promise<{ id: bigint }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const [next] = await tx.$queryRaw<{ id: bigint }[]>`
    SELECT nextval(pg_get_serial_sequence('"AuditEvent"', 'id')) AS id`;
  if (!next) throw new Error("the AuditEvent id sequence returned no value");
  const prevHash = last?.hash ?? GENESIS_HASH;
  const content = {
    id: next.id.toString(),
    at: entry.at,
    actor: `${entry.actor.role}:${entry.actor.name}`,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    reason: entry.reason ?? null,
    before: normaliseJson(entry.before),
    after: normaliseJson(entry.after),
  };
  return tx.auditEvent.create({
    data: {
      ...content,
      id: next.id,
      before: entry.before,
      after: entry.after,
      prevHash,
      hash: hashAuditEvent(sha256Hex, content, prevHash),
    },
    select: { id: true },
  });
}
