/**
 * Whether a token still authenticates: revoked first, then past its expiry. The one rule, for
 * authentication and for the tokens page that shows it.
 */
export type TokenState = { kind: "active" } | { kind: "revoked" | "expired"; since: Date };

export function tokenState(
  token: { revokedAt: Date | null; expiresAt: Date | null },
  now: number,
): TokenState {
  if (token.revokedAt) return { kind: "revoked", since: token.revokedAt };
  if (token.expiresAt && token.expiresAt.getTime() <= now) return { kind: "expired", since: token.expiresAt };
  return { kind: "active" };
}
