import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RoleMap } from "./oidc-config";
import { decideOidcSignIn, groupsFromClaims, ROLE_PRECEDENCE, readClaim, resolveRole } from "./oidc-roles";
import { ROLES, type Role } from "./permissions";

const roleMap: RoleMap = new Map<string, Role>([
  ["sre-oncall", "operator"],
  ["release-managers", "release_manager"],
  ["auditors", "auditor"],
  ["platform-admins", "admin"],
  ["everyone", "viewer"],
]);
const config = { rolesClaim: "groups", roleMap };

describe("resolveRole", () => {
  it("maps one group to its role", () => {
    expect(resolveRole(["auditors"], roleMap)).toEqual({ role: "auditor", matched: ["auditor"] });
  });

  it("gives the role highest in the fixed precedence admin > release_manager > operator > auditor > viewer", () => {
    expect(resolveRole(["everyone", "auditors", "sre-oncall"], roleMap)).toEqual({
      role: "operator",
      matched: ["operator", "auditor", "viewer"],
    });
    expect(resolveRole(["sre-oncall", "platform-admins"], roleMap).role).toBe("admin");
  });

  it("maps nothing for unknown groups, and matches exactly (case-sensitive)", () => {
    expect(resolveRole(["SRE-ONCALL", "sre", "devs"], roleMap)).toEqual({ role: null, matched: [] });
    expect(resolveRole([], roleMap).role).toBeNull();
  });

  it("covers every role exactly once in the precedence", () => {
    expect([...ROLE_PRECEDENCE].sort()).toEqual([...ROLES].sort());
  });

  it("does not depend on the order of the groups", () => {
    const groups = fc.array(fc.constantFrom(...roleMap.keys(), "devs", "other"));
    fc.assert(
      fc.property(groups, (list) => {
        expect(resolveRole([...list].reverse(), roleMap)).toEqual(resolveRole(list, roleMap));
      }),
    );
  });
});

describe("reading the roles claim", () => {
  it("reads an exact claim name first, even with dots, then a dotted path", () => {
    expect(readClaim({ "https://example.com/groups": ["a"] }, "https://example.com/groups")).toEqual(["a"]);
    expect(readClaim({ realm_access: { roles: ["b"] } }, "realm_access.roles")).toEqual(["b"]);
    expect(readClaim({ realm_access: ["b"] }, "realm_access.roles.x")).toBeUndefined();
    expect(readClaim({}, "constructor")).toBeUndefined();
  });

  it("takes an array of strings or a lone string, ignoring anything else", () => {
    expect(groupsFromClaims({ groups: ["a", 3, null, "b"] }, "groups")).toEqual(["a", "b"]);
    expect(groupsFromClaims({ groups: "a" }, "groups")).toEqual(["a"]);
    expect(groupsFromClaims({ groups: { a: true } }, "groups")).toEqual([]);
    expect(groupsFromClaims({}, "groups")).toEqual([]);
  });
});

describe("decideOidcSignIn", () => {
  const claims = { sub: "u-1", email: "Alice@Example.com", name: "Alice Ops", groups: ["sre-oncall"] };

  it("signs in a mapped user with the lower-cased email and the provider's name", () => {
    expect(decideOidcSignIn(claims, config)).toEqual({
      ok: true,
      subject: "u-1",
      email: "alice@example.com",
      name: "Alice Ops",
      role: "operator",
      matched: ["operator"],
      groups: ["sre-oncall"],
    });
  });

  it("falls back to preferred_username, then the email, for the name", () => {
    const { name: _, ...noName } = claims;
    expect(decideOidcSignIn({ ...noName, preferred_username: "alice" }, config)).toMatchObject({
      name: "alice",
    });
    expect(decideOidcSignIn({ ...noName, name: "  " }, config)).toMatchObject({ name: "alice@example.com" });
  });

  it("refuses a user whose groups map to no role, naming the groups seen", () => {
    expect(decideOidcSignIn({ ...claims, groups: ["devs", "interns"] }, config)).toEqual({
      ok: false,
      subject: "u-1",
      email: "alice@example.com",
      reason: "no-role",
      detail: 'no group in claim "groups" maps to a Sluice role (groups: devs, interns)',
      groups: ["devs", "interns"],
    });
    expect(decideOidcSignIn({ ...claims, groups: undefined }, config)).toMatchObject({
      reason: "no-role",
      detail: expect.stringContaining("(groups: none)"),
    });
  });

  it("refuses without an email, or with one the provider calls unverified", () => {
    expect(decideOidcSignIn({ ...claims, email: undefined }, config)).toMatchObject({
      reason: "email-missing",
    });
    expect(decideOidcSignIn({ ...claims, email: "not-an-address" }, config)).toMatchObject({
      reason: "email-missing",
    });
    expect(decideOidcSignIn({ ...claims, email_verified: false }, config)).toMatchObject({
      reason: "email-unverified",
    });
    expect(decideOidcSignIn({ ...claims, email_verified: true }, config)).toMatchObject({ ok: true });
  });
});
