import type { Actor } from "../../auth/permissions";
import { isSessionRevoked } from "../../auth/session-revocation";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { endUserSessions } from "./end-sessions";

/**
 * Signing out ends the user's sessions on the server (a copied cookie stops working everywhere), with
 * its audit event. A session that was already ended changes nothing: otherwise a stale, copied cookie
 * could sign its owner out of their current session.
 */
export async function signOutUser(ctx: ServiceContext, actor: Actor, signedInAt: number): Promise<boolean> {
  const at = ctx.now();
  const ended = await ctx.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: actor.id }, select: { sessionsValidFrom: true } });
    if (!user || isSessionRevoked(signedInAt, user.sessionsValidFrom?.getTime() ?? null)) return false;
    await endUserSessions(tx, actor.id, at);
    await recordAuditEvent(tx, {
      actor,
      action: "auth.signed-out",
      targetType: "user",
      targetId: actor.id,
      at,
    });
    return true;
  });
  if (ended) ctx.events.publish("sessions.revoked", { userId: actor.id, validFrom: at.getTime() });
  return ended;
}
