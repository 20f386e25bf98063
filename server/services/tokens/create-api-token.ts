import type { Actor } from "../../auth/permissions";
import { AppError } from "../../domain/errors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { isTokenScope, type TokenScope } from "./token-scopes";
import { hashTokenSecret, newTokenSecret } from "./token-secret";
import { type ApiTokenView, tokenViewSelect } from "./token-view";

export interface CreateApiTokenInput {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
}

/**
 * Issues a machine token. The secret is returned here and only here: the database keeps its sha256,
 * so a lost secret is replaced (revoke, create), never recovered.
 */
export async function createApiToken(
  ctx: ServiceContext,
  actor: Actor,
  input: CreateApiTokenInput,
): Promise<{ token: ApiTokenView; secret: string }> {
  const name = input.name.trim();
  if (name === "") throw new AppError("BAD_INPUT", "name: a token needs a name", "name");
  if (input.scopes.length === 0)
    throw new AppError("BAD_INPUT", "scopes: grant at least one scope", "scopes");
  const unknown = input.scopes.find((scope) => !isTokenScope(scope));
  if (unknown !== undefined) throw new AppError("BAD_INPUT", `scopes: unknown scope ${unknown}`, "scopes");
  const now = ctx.now();
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
    throw new AppError("BAD_INPUT", "expiresAt: must be in the future", "expiresAt");
  }
  const scopes = [...new Set(input.scopes as readonly TokenScope[])];
  const secret = newTokenSecret();
  const token = await ctx.db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        name,
        scopes,
        secretHash: hashTokenSecret(secret),
        createdBy: `${actor.role}:${actor.name}`,
        createdAt: now,
        expiresAt: input.expiresAt ?? null,
      },
      select: tokenViewSelect,
    });
    await recordAuditEvent(tx, {
      actor,
      action: "token.created",
      targetType: "token",
      targetId: created.id,
      after: { name, scopes, expiresAt: created.expiresAt?.toISOString() ?? null },
      at: now,
    });
    return created;
  });
  return { token, secret };
}
