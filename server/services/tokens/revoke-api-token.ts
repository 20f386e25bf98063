import type { Actor } from "../../auth/permissions";
import { AppError } from "../../domain/errors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { type ApiTokenView, tokenViewSelect } from "./token-view";

/**
 * Revokes a token. Every request checks the database, so the next request with it fails on every
 * instance. Revoking a revoked token changes nothing and records nothing.
 */
export async function revokeApiToken(ctx: ServiceContext, actor: Actor, id: string): Promise<ApiTokenView> {
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: now },
    });
    const token = await tx.apiToken.findUnique({ where: { id }, select: tokenViewSelect });
    if (!token) throw new AppError("NOT_FOUND", `No API token with id ${id}`, "id");
    if (count === 1) {
      await recordAuditEvent(tx, {
        actor,
        action: "token.revoked",
        targetType: "token",
        targetId: id,
        before: { name: token.name, scopes: token.scopes },
        at: now,
      });
    }
    return token;
  });
}
