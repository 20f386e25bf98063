/** What a machine token may do. A route names the scopes that admit it; no scope implies another. */
export const TOKEN_SCOPES = [
  "read",
  "rollouts:write",
  "metrics:write",
  "incidents:write",
  "flags:evaluate",
  /** Kubernetes controllers' webhooks (Flagger): narrow, since the token may sit in a Canary's spec. */
  "controllers:write",
  /** The bulk audit export, as the auditor and admin roles have it: "read" alone does not include it. */
  "audit:export",
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}
