import type { OidcConfig, RoleMap } from "./oidc-config";
import type { OidcRefusalCode } from "./oidc-refusals";
import type { Role } from "./permissions";

/**
 * One Sluice user has one role, so a person in several mapped groups gets the first of these that any
 * of their groups maps to. The order is fixed, not the order of SLUICE_OIDC_ROLE_MAP or of the claim, so
 * the same groups always give the same role. The roles dropped are audited with the sign-in.
 */
export const ROLE_PRECEDENCE = [
  "admin",
  "release_manager",
  "operator",
  "auditor",
  "viewer",
] as const satisfies readonly Role[];

/** ID token or userinfo claims, as the provider sent them. */
export type OidcClaims = Record<string, unknown> & { sub: string };

/** A claim by its exact name ("https://example.com/groups") first, else by dotted path ("realm_access.roles"). */
export function readClaim(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const key of name.split(".")) {
    if (!value || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The groups in the roles claim: an array of strings, or one string (some providers send a lone group). */
export function groupsFromClaims(claims: Record<string, unknown>, rolesClaim: string): string[] {
  const value = readClaim(claims, rolesClaim);
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === "string");
  return [];
}

/** The role for a set of groups under ROLE_PRECEDENCE, and every role they matched; null when none. */
export function resolveRole(
  groups: readonly string[],
  roleMap: RoleMap,
): { role: Role | null; matched: Role[] } {
  const mapped = new Set(groups.flatMap((group) => roleMap.get(group) ?? []));
  const matched = ROLE_PRECEDENCE.filter((role) => mapped.has(role));
  return { role: matched[0] ?? null, matched };
}

export type OidcDecision =
  | { ok: true; subject: string; email: string; name: string; role: Role; matched: Role[]; groups: string[] }
  | {
      ok: false;
      subject: string;
      email: string | null;
      reason: OidcRefusalCode;
      detail: string;
      groups: string[];
    };

/** Whether the claims may sign in, and as whom. Pure: the same claims and configuration, the same answer. */
export function decideOidcSignIn(
  claims: OidcClaims,
  config: Pick<OidcConfig, "rolesClaim" | "roleMap">,
): OidcDecision {
  const subject = claims.sub;
  const groups = groupsFromClaims(claims, config.rolesClaim);
  const email =
    typeof claims.email === "string" && claims.email.includes("@") ? claims.email.toLowerCase() : null;
  const refuse = (reason: OidcRefusalCode, detail: string): OidcDecision => ({
    ok: false,
    subject,
    email,
    reason,
    detail,
    groups,
  });
  if (!email) return refuse("email-missing", "the provider sent no email claim");
  // Email is what ties the identity to a Sluice user, so an address the provider has not verified could
  // be anyone's. Providers that omit the claim are trusted, as their operators chose them.
  if (claims.email_verified === false) return refuse("email-unverified", `${email} is not verified`);
  const { role, matched } = resolveRole(groups, config.roleMap);
  if (!role) {
    const seen = groups.length ? groups.join(", ") : "none";
    return refuse(
      "no-role",
      `no group in claim "${config.rolesClaim}" maps to a Sluice role (groups: ${seen})`,
    );
  }
  const name = [claims.name, claims.preferred_username].find(
    (value): value is string => typeof value === "string" && value.trim() !== "",
  );
  return { ok: true, subject, email, name: name?.trim() ?? email, role, matched, groups };
}
