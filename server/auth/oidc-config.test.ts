import { describe, expect, it } from "vitest";
import { parseRoleMap, readOidcConfig } from "./oidc-config";

const base = {
  SLUICE_OIDC_ISSUER: "https://login.example.com/",
  SLUICE_OIDC_CLIENT_ID: "sluice",
  SLUICE_OIDC_CLIENT_SECRET: "s3cret",
  SLUICE_OIDC_ROLE_MAP: "sre-oncall=operator, release-managers=release_manager,auditors=auditor",
};

describe("parseRoleMap", () => {
  it("reads group=role pairs, trimming spaces, cutting each at its last =", () => {
    const result = parseRoleMap(" sre-oncall = operator,a=b=admin ,platform-admins=admin");
    expect(result).toEqual({
      map: new Map([
        ["sre-oncall", "operator"],
        ["a=b", "admin"],
        ["platform-admins", "admin"],
      ]),
    });
  });

  it("reads a JSON object, for group names with commas", () => {
    expect(parseRoleMap('{"cn=sre,ou=groups,dc=example": "operator"}')).toEqual({
      map: new Map([["cn=sre,ou=groups,dc=example", "operator"]]),
    });
  });

  it.each([
    ["", '"" is not group=role'],
    ["sre-oncall", '"sre-oncall" is not group=role'],
    ["sre=operator,,auditors=auditor", '"" is not group=role'],
    ["=admin", '"=admin" is not group=role'],
    [
      "sre=root",
      'group "sre" maps to "root", which is not one of viewer, operator, release_manager, auditor, admin',
    ],
    ["sre=Operator", 'group "sre" maps to "Operator"'],
    ["sre=operator,sre=admin", 'group "sre" is mapped twice (operator, admin)'],
    ["{", "is not valid JSON"],
    ['["sre"]', "must be an object"],
    ['{"sre": 1}', 'group "sre" maps to ""'],
    ["{}", "maps no group"],
  ])("refuses %j", (raw, error) => {
    const result = parseRoleMap(raw);
    expect(result).toHaveProperty("error");
    expect((result as { error: string }).error).toContain(error);
  });

  it("accepts the same mapping twice", () => {
    expect(parseRoleMap("sre=operator,sre=operator")).toEqual({ map: new Map([["sre", "operator"]]) });
  });
});

describe("readOidcConfig", () => {
  it("is off when nothing is set", () => {
    expect(readOidcConfig({})).toBeNull();
  });

  it("reads a full configuration with defaults, the issuer without its trailing slash", () => {
    expect(readOidcConfig(base)).toEqual({
      issuer: "https://login.example.com",
      clientId: "sluice",
      clientSecret: "s3cret",
      name: "single sign-on",
      scope: "openid email profile groups",
      rolesClaim: "groups",
      roleMap: new Map([
        ["sre-oncall", "operator"],
        ["release-managers", "release_manager"],
        ["auditors", "auditor"],
      ]),
    });
  });

  it("takes the claim, scopes and button name from the environment", () => {
    const config = readOidcConfig({
      ...base,
      SLUICE_OIDC_ROLES_CLAIM: "realm_access.roles",
      SLUICE_OIDC_SCOPES: " openid  email roles ",
      SLUICE_OIDC_NAME: "Acme SSO",
    });
    expect(config).toMatchObject({
      rolesClaim: "realm_access.roles",
      scope: "openid email roles",
      name: "Acme SSO",
    });
  });

  it("names a bad SLUICE_OIDC_ROLE_MAP and says what is wrong", () => {
    expect(() => readOidcConfig({ ...base, SLUICE_OIDC_ROLE_MAP: "sre-oncall=superuser" })).toThrow(
      /^Invalid configuration:\n {2}SLUICE_OIDC_ROLE_MAP: SLUICE_OIDC_ROLE_MAP group "sre-oncall" maps to "superuser", which is not one of/,
    );
  });

  it("names every variable a half configuration lacks", () => {
    expect(() => readOidcConfig({ SLUICE_OIDC_ISSUER: "https://login.example.com" })).toThrow(
      /SLUICE_OIDC_CLIENT_ID: .*required.*\n.*SLUICE_OIDC_CLIENT_SECRET: .*required.*\n.*SLUICE_OIDC_ROLE_MAP: .*required/,
    );
    expect(() => readOidcConfig({ SLUICE_OIDC_ROLE_MAP: "a=admin" })).toThrow(
      /SLUICE_OIDC_ISSUER: SLUICE_OIDC_ISSUER is required/,
    );
  });

  it("refuses plain http except on loopback, and scopes without openid", () => {
    expect(() => readOidcConfig({ ...base, SLUICE_OIDC_ISSUER: "http://login.example.com" })).toThrow(
      /SLUICE_OIDC_ISSUER: SLUICE_OIDC_ISSUER must use https/,
    );
    expect(readOidcConfig({ ...base, SLUICE_OIDC_ISSUER: "http://127.0.0.1:4455" })?.issuer).toBe(
      "http://127.0.0.1:4455",
    );
    expect(() => readOidcConfig({ ...base, SLUICE_OIDC_ISSUER: "login.example.com" })).toThrow(
      /SLUICE_OIDC_ISSUER: SLUICE_OIDC_ISSUER must be the issuer URL/,
    );
    expect(() => readOidcConfig({ ...base, SLUICE_OIDC_SCOPES: "email groups" })).toThrow(
      /SLUICE_OIDC_SCOPES: SLUICE_OIDC_SCOPES must include openid/,
    );
  });
});
