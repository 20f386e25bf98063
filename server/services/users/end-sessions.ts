import type { Prisma } from "../../db/client";

/**
 * Ends every session the user holds (server/auth/session-revocation.ts refuses those that began before
 * `at`). Runs inside the caller's transaction, beside its audit event; the caller publishes
 * "sessions.revoked" after commit so this instance drops the sessions at once.
 */
export async function endUserSessions(tx: Prisma.TransactionClient, userId: string, at: Date): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { sessionsValidFrom: at } });
}
