import type { Account, User } from "next-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import type { OidcConfig } from "./oidc-config";
import { createOidcProvider } from "./oidc-provider";
import { createOidcSignInCallback } from "./oidc-sign-in";
import { hashPassword, verifyPassword } from "./password";

const config: OidcConfig = {
  issuer: "https://login.example.com",
  clientId: "sluice",
  clientSecret: "s3cret",
  name: "Example",
  scope: "openid email profile groups",
  rolesClaim: "groups",
  roleMap: new Map([
    ["sre-oncall", "operator"],
    ["platform-admins", "admin"],
  ]),
};
const at = new Date("2026-11-27T10:00:00Z");

let database: TestDatabase;
let signIn: ReturnType<typeof createOidcSignInCallback>;
const logged: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  signIn = createOidcSignInCallback({ db: database.db, config, now: () => at, log: (l) => logged.push(l) });
});
afterAll(() => database.drop());

/** Runs what next-auth runs on a callback: the provider's profile(), then the signIn callback. */
async function signInWith(claims: Record<string, unknown> & { sub: string }) {
  const user = (await createOidcProvider(config).profile(claims, {})) as User;
  const account = { provider: "oidc", type: "oauth", providerAccountId: claims.sub } as Account;
  const outcome = await signIn({ user, account, profile: claims });
  return { outcome, user };
}

const auditOf = (targetId: string) =>
  database.db.auditEvent.findMany({
    where: { targetId },
    orderBy: { id: "asc" },
    select: { actor: true, action: true, reason: true, before: true, after: true },
  });

describe("OIDC sign-in", () => {
  it("provisions a mapped user with an unusable password and makes it the signed-in user", async () => {
    const claims = { sub: "idp-ann", email: "Ann@Example.com", name: "Ann", groups: ["sre-oncall"] };
    const { outcome, user } = await signInWith(claims);
    expect(outcome).toBe(true);
    const row = await database.db.user.findUniqueOrThrow({ where: { email: "ann@example.com" } });
    expect(user).toMatchObject({ id: row.id, name: "Ann", role: "operator" });
    expect(row).toMatchObject({ name: "Ann", role: "operator", sessionsValidFrom: null });
    expect(row.passwordHash).toMatch(/^oidc\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword("", row.passwordHash)).toBe(false);
    expect(await verifyPassword(row.passwordHash, row.passwordHash)).toBe(false);
    expect(await auditOf(row.id)).toEqual([
      {
        actor: "system:oidc",
        action: "user.provisioned",
        reason: "role operator from the provider's groups",
        before: null,
        after: {
          email: "ann@example.com",
          name: "Ann",
          role: "operator",
          issuer: config.issuer,
          subject: "idp-ann",
          groups: ["sre-oncall"],
        },
      },
    ]);
  });

  it("refreshes the role at each sign-in, auditing a change and not a repeat", async () => {
    const claims = { sub: "idp-bo", email: "bo@example.com", name: "Bo", groups: ["sre-oncall"] };
    await signInWith(claims);
    const promoted = await signInWith({ ...claims, groups: ["sre-oncall", "platform-admins"] });
    expect(promoted.user.role).toBe("admin");
    await signInWith({ ...claims, groups: ["platform-admins", "sre-oncall"] });
    const demoted = await signInWith({ ...claims, name: "Bo B." });
    expect(demoted.user).toMatchObject({ role: "operator", name: "Bo B." });
    const rows = await database.db.user.findMany({ where: { email: "bo@example.com" } });
    expect(rows).toHaveLength(1);
    // A role change ends the sessions that carried the old role (server/auth/session-revocation.ts).
    expect(rows[0]?.sessionsValidFrom).toEqual(at);
    expect((await auditOf(promoted.user.id)).map((e) => [e.action, e.before, e.reason])).toEqual([
      ["user.provisioned", null, "role operator from the provider's groups"],
      [
        "user.role-changed",
        { role: "operator" },
        "role admin from the provider's groups (also matched operator, lower in precedence)",
      ],
      ["user.role-changed", { role: "admin" }, "role operator from the provider's groups"],
    ]);
  });

  it("refuses a user whose groups map to nothing, with the reason in the audit log and the URL", async () => {
    const claims = { sub: "idp-cy", email: "cy@example.com", name: "Cy", groups: ["devs"] };
    const { outcome, user } = await signInWith(claims);
    expect(outcome).toBe("/signin?error=OidcRefused&reason=no-role");
    expect(user.role).toBeUndefined();
    expect(await database.db.user.count({ where: { email: "cy@example.com" } })).toBe(0);
    expect(await auditOf("email:cy@example.com")).toEqual([
      {
        actor: "system:oidc",
        action: "auth.sign-in-refused",
        reason: 'no group in claim "groups" maps to a Sluice role (groups: devs)',
        before: null,
        after: {
          code: "no-role",
          address: "unknown",
          issuer: config.issuer,
          subject: "idp-cy",
          email: "cy@example.com",
          groups: ["devs"],
        },
      },
    ]);
    expect(logged.at(-1)).toContain("OIDC sign-in refused (no-role) for cy@example.com");
  });

  it("never takes over a password account with the same email", async () => {
    const local = await database.db.user.create({
      data: {
        email: "root@example.com",
        name: "Break glass",
        role: "admin",
        passwordHash: await hashPassword("pw"),
      },
    });
    const { outcome } = await signInWith({ sub: "idp-x", email: "root@example.com", groups: ["sre-oncall"] });
    expect(outcome).toBe("/signin?error=OidcRefused&reason=local-account");
    expect(await database.db.user.findUniqueOrThrow({ where: { id: local.id } })).toMatchObject({
      role: "admin",
      name: "Break glass",
      passwordHash: local.passwordHash,
    });
    expect((await auditOf(local.id)).map((e) => e.action)).toEqual(["auth.sign-in-refused"]);
  });

  it("lets other providers' sign-ins pass untouched", async () => {
    const user = { id: "u", role: "viewer" } as User;
    const account = { provider: "credentials", type: "credentials", providerAccountId: "u" } as Account;
    expect(await signIn({ user, account })).toBe(true);
    expect(user).toEqual({ id: "u", role: "viewer" });
  });
});
