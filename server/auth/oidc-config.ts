import { z } from "zod";
import { ROLES, type Role } from "./permissions";

/** Group (or IdP role) name → Sluice role, matched exactly, case-sensitively. */
export type RoleMap = ReadonlyMap<string, Role>;

export interface OidcConfig {
  /** The issuer exactly as the provider's discovery document states it, without a trailing slash. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the sign-in button: "Sign in with <name>". */
  name: string;
  scope: string;
  /** A claim name ("groups", "https://example.com/roles") or a dotted path ("realm_access.roles"). */
  rolesClaim: string;
  roleMap: RoleMap;
}

const ROLE_LIST = ROLES.join(", ");

/**
 * Parses SLUICE_OIDC_ROLE_MAP: `group=role,group=role`, or a JSON object `{"group": "role"}` for group
 * names that contain commas (LDAP distinguished names). A group is cut at its last `=`, so
 * `cn=sre,...` style names work in JSON and `a=b=operator` means group `a=b`.
 */
export function parseRoleMap(raw: string): { map: RoleMap } | { error: string } {
  const trimmed = raw.trim();
  let entries: [string, string][];
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { error: "is not valid JSON" };
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { error: "must be an object" };
    entries = Object.entries(parsed).map(([group, role]) => [group, typeof role === "string" ? role : ""]);
  } else {
    entries = [];
    for (const part of trimmed.split(",")) {
      const entry = part.trim();
      const eq = entry.lastIndexOf("=");
      if (eq < 1) return { error: `"${entry}" is not group=role` };
      entries.push([entry.slice(0, eq).trim(), entry.slice(eq + 1).trim()]);
    }
  }
  const map = new Map<string, Role>();
  for (const [group, role] of entries) {
    if (!group) return { error: "a group name is empty" };
    if (!ROLES.includes(role as Role)) {
      return { error: `group "${group}" maps to "${role}", which is not one of ${ROLE_LIST}` };
    }
    const earlier = map.get(group);
    if (earlier && earlier !== role)
      return { error: `group "${group}" is mapped twice (${earlier}, ${role})` };
    map.set(group, role as Role);
  }
  if (map.size === 0) return { error: "maps no group" };
  return { map };
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The OIDC variables as zod fields, for server/env.ts to spread into its schema, and `checkOidcEnv` for
 * the rules that span several variables. SSO is off unless SLUICE_OIDC_ISSUER is set.
 */
export const oidcEnvShape = {
  SLUICE_OIDC_ISSUER: z
    .url({ message: "SLUICE_OIDC_ISSUER must be the issuer URL" })
    .refine((value) => {
      if (!URL.canParse(value)) return true; // already reported as not a URL
      const url = new URL(value);
      return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
    }, "SLUICE_OIDC_ISSUER must use https (plain http only on loopback, for tests)")
    .transform((value) => value.replace(/\/+$/, ""))
    .optional(),
  SLUICE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  SLUICE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  SLUICE_OIDC_NAME: z.string().min(1).default("single sign-on"),
  SLUICE_OIDC_SCOPES: z
    .string()
    .default("openid email profile groups")
    .refine((value) => value.split(/\s+/).includes("openid"), "SLUICE_OIDC_SCOPES must include openid"),
  SLUICE_OIDC_ROLES_CLAIM: z.string().min(1).default("groups"),
  SLUICE_OIDC_ROLE_MAP: z
    .string()
    .transform((raw, ctx) => {
      const result = parseRoleMap(raw);
      if ("map" in result) return result.map;
      ctx.addIssue({ code: "custom", message: `SLUICE_OIDC_ROLE_MAP ${result.error}` });
      return z.NEVER;
    })
    .optional(),
};

const REQUIRED_WITH_ISSUER = [
  "SLUICE_OIDC_CLIENT_ID",
  "SLUICE_OIDC_CLIENT_SECRET",
  "SLUICE_OIDC_ROLE_MAP",
] as const;

const oidcEnvSchema = z.object(oidcEnvShape);
export type OidcEnv = z.infer<typeof oidcEnvSchema>;

/** A half-configured SSO is a mistake, not "SSO off": every variable it needs must come together. */
export function checkOidcEnv(env: Partial<OidcEnv>, ctx: z.RefinementCtx): void {
  const configured = [env.SLUICE_OIDC_ISSUER, ...REQUIRED_WITH_ISSUER.map((name) => env[name])].some(
    (value) => value !== undefined,
  );
  if (!configured) return;
  for (const name of ["SLUICE_OIDC_ISSUER", ...REQUIRED_WITH_ISSUER] as const) {
    if (env[name] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `${name} is required when OIDC sign-in is configured`,
      });
    }
  }
}

/** The provider configuration, or null when SSO is not configured. Expects an env checked by checkOidcEnv. */
export function oidcConfigFromEnv(env: OidcEnv): OidcConfig | null {
  const { SLUICE_OIDC_ISSUER: issuer, SLUICE_OIDC_CLIENT_ID: clientId } = env;
  const { SLUICE_OIDC_CLIENT_SECRET: clientSecret, SLUICE_OIDC_ROLE_MAP: roleMap } = env;
  if (!issuer || !clientId || !clientSecret || !roleMap) return null;
  return {
    issuer,
    clientId,
    clientSecret,
    name: env.SLUICE_OIDC_NAME,
    scope: env.SLUICE_OIDC_SCOPES.trim().split(/\s+/).join(" "),
    rolesClaim: env.SLUICE_OIDC_ROLES_CLAIM,
    roleMap,
  };
}

/**
 * Reads the OIDC variables on their own (tests, tools). A bad value throws naming the variable, in the
 * same form as readEnv.
 */
export function readOidcConfig(source: Record<string, string | undefined>): OidcConfig | null {
  const parsed = oidcEnvSchema.superRefine(checkOidcEnv).safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join("\n")}`);
  }
  return oidcConfigFromEnv(parsed.data);
}
