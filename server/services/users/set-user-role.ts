import type { Actor, Role } from "../../auth/permissions";
import { AppError } from "../../domain/errors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";

/**
 * Changes a user's role (audited). The change applies at their next sign-in, since sessions carry the
 * role; an admin cannot demote themselves, so a deployment never loses its last way in by accident.
 */
export async function setUserRole(ctx: ServiceContext, actor: Actor, input: { userId: string; role: Role }) {
  if (input.userId === actor.id && input.role !== "admin") {
    throw new AppError("BAD_INPUT", "role: an admin cannot demote themselves; ask another admin", "role");
  }
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: input.userId },
      select: { id: true, role: true, email: true },
    });
    if (!user) throw new AppError("NOT_FOUND", `No user with id ${input.userId}`, "userId");
    if (user.role === input.role) return { ...user, changed: false };
    await tx.user.update({ where: { id: user.id }, data: { role: input.role } });
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
}
