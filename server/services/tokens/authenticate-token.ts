import type { ServiceContext } from "../context";
import { isTokenScope, type TokenScope } from "./token-scopes";
import { hashTokenSecret, TOKEN_PREFIX } from "./token-secret";
import { tokenState } from "./token-state";

export interface AuthenticatedToken {
  id: string;
  name: string;
  scopes: TokenScope[];
}

/** lastUsedAt is a hint for humans ("unused for 90 days?"), so one write a minute per token is plenty. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Longest secret worth hashing; anything longer is not one of ours. */
const MAX_SECRET_LENGTH = 200;

/**
 * The token behind an `Authorization` header value, or null when it is missing, malformed, unknown,
 * revoked or expired. Read from the database on every call: no cache, so revocation is immediate on
 * every instance.
 */
export async function authenticateToken(
  ctx: ServiceContext,
  authorization: string | undefined,
): Promise<AuthenticatedToken | null> {
  const secret = bearerSecret(authorization);
  if (!secret) return null;
  const token = await ctx.db.apiToken.findUnique({
    where: { secretHash: hashTokenSecret(secret) },
    select: { id: true, name: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
  });
  const now = ctx.now();
  if (!token || tokenState(token, now.getTime()).kind !== "active") return null;
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!token.lastUsedAt || token.lastUsedAt < staleBefore) {
    // Conditional, so concurrent requests (or instances) write it once.
    await ctx.db.apiToken.updateMany({
      where: { id: token.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: now },
    });
  }
  return { id: token.id, name: token.name, scopes: token.scopes.filter(isTokenScope) };
}

function bearerSecret(authorization: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  const secret = match?.[1];
  if (!secret?.startsWith(TOKEN_PREFIX) || secret.length > MAX_SECRET_LENGTH) return null;
  return secret;
}
