import type { OAuthConfig } from "next-auth/providers/oauth";
import type { OidcConfig } from "./oidc-config";
import { decideOidcSignIn, type OidcClaims, readClaim } from "./oidc-roles";
import type { Role } from "./permissions";

export const OIDC_PROVIDER_ID = "oidc";

/**
 * next-auth's User requires a role, and a refused identity has none. It never gets a session: the signIn
 * callback turns it away, and a token without a role is no session to actorFromCookieHeader either.
 */
const NO_ROLE = undefined as unknown as Role;

/**
 * next-auth's generic OpenID Connect provider for the configured issuer: authorization code flow with PKCE
 * and state, the ID token verified against the issuer's keys. The role comes from the roles claim through
 * SLUICE_OIDC_ROLE_MAP; the signIn callback (oidc-sign-in.ts) refuses or provisions the user.
 */
export function createOidcProvider(config: OidcConfig): OAuthConfig<OidcClaims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: config.name,
    type: "oauth",
    wellKnown: `${config.issuer}/.well-known/openid-configuration`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorization: { params: { scope: config.scope } },
    idToken: true,
    checks: ["pkce", "state"],
    userinfo: {
      // Many providers put groups and email only in userinfo, not in the ID token (the OIDC default when
      // an access token is issued). Ask userinfo only then; openid-client checks its sub is the token's.
      async request({ client, tokens }) {
        // At run time this is openid-client's TokenSet, its ID token verified; next-auth's type says less.
        const tokenSet = tokens as Extract<Parameters<typeof client.userinfo>[0], object>;
        const idClaims = tokenSet.claims();
        if (readClaim(idClaims, config.rolesClaim) !== undefined && idClaims.email) return idClaims;
        return { ...(await client.userinfo(tokenSet)), ...idClaims };
      },
    },
    profile(claims) {
      const decision = decideOidcSignIn(claims, config);
      return {
        id: claims.sub,
        email: decision.email,
        name: decision.ok ? decision.name : null,
        role: decision.ok ? decision.role : NO_ROLE,
      };
    },
  };
}
