import type { Actor, Role } from "../../auth/permissions";
import { AppError } from "../../domain/errors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { endUserSessions } from "./end-sessions";

/**
 * Changes a user's role (audited) and ends their sessions, which carry the role: the new role applies
 * from their next sign-in, and the old one stops working at once (within the revocation cache's bound on
 * other instances). An admin cannot demote themselves, so a deployment never loses its last way in by
 * accident, nor by two admins demoting each other at once.
 */
export async function setUserRole(ctx: ServiceContext, actor: Actor, input: { userId: string; role: Role }) {
  if (input.userId === actor.id && input.role !== "admin") {
    throw new AppError("BAD_INPUT", "role: an admin cannot demote themselves; ask another admin", "role");
  }
  const now = ctx.now();
  const result = await ctx.db.$transaction(async (tx) => {
    // Locks the admins' rows: two admins demoting each other at once are judged one after the other, and
    // the second finds itself no longer an admin.
    const admins = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM "User" WHERE role = 'admin' FOR UPDATE`;
    if (!admins.some((a) => a.id === actor.id)) {
      throw new AppError("FORBIDDEN", "You are no longer an admin; sign in again");
    }
    const user = await tx.user.findUnique({
      where: { id: input.userId },
      select: { id: true, role: true, email: true },
    });
    if (!user) throw new AppError("NOT_FOUND", `No user with id ${input.userId}`, "userId");
    if (user.role === input.role) return { ...user, changed: false };
    await tx.user.update({ where: { id: user.id }, data: { role: input.role } });
    await endUserSessions(tx, user.id, now);
    await recordAuditEvent(tx, {
      actor,
      action: "user.role-changed",
      targetType: "user",
      targetId: user.id,
      reason: user.email,
      before: { role: user.role },
      after: { role: input.role },
      at: now,
    });
    return { ...user, role: input.role, changed: true };
  });
  if (result.changed) ctx.events.publish("sessions.revoked", { userId: result.id, validFrom: now.getTime() });
  return result;
}
