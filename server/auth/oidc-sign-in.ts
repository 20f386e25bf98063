import type { CallbacksOptions } from "next-auth";
import type { Db } from "../db/client";
import type { OidcConfig } from "./oidc-config";
import { OIDC_PROVIDER_ID } from "./oidc-provider";
import { oidcRefusalUrl } from "./oidc-refusals";
import { decideOidcSignIn, type OidcClaims } from "./oidc-roles";
import { type OidcRefusal, provisionOidcUser, recordOidcRefusal } from "./oidc-users";

type SignInParams = Parameters<CallbacksOptions["signIn"]>[0];

/**
 * next-auth's signIn callback for OIDC sign-ins (other providers pass through): refuses an identity
 * without a mapped role, email or with a password account's email, recording why in the audit log and
 * sending the browser to the sign-in page with the reason; otherwise provisions the Sluice user and
 * makes it the one signed in, so the session's sub and role are Sluice's, not the provider's.
 */
export function createOidcSignInCallback(deps: {
  db: Db;
  config: OidcConfig;
  now: () => Date;
  log: (line: string) => void;
}) {
  const { db, config, now, log } = deps;
  const refuse = async (refusal: OidcRefusal) => {
    log(
      `OIDC sign-in refused (${refusal.reason}) for ${refusal.email ?? refusal.subject}: ${refusal.detail}`,
    );
    await recordOidcRefusal(db, refusal, now());
    return oidcRefusalUrl(refusal.reason);
  };
  return async ({ user, account, profile }: SignInParams): Promise<boolean | string> => {
    if (account?.provider !== OIDC_PROVIDER_ID) return true;
    if (typeof profile?.sub !== "string") return false;
    const decision = decideOidcSignIn(profile as OidcClaims, config);
    if (!decision.ok) return refuse({ issuer: config.issuer, ...decision });
    const result = await provisionOidcUser(db, { issuer: config.issuer, ...decision }, now());
    if (!result.ok) return refuse({ issuer: config.issuer, ...decision, ...result });
    // next-auth hands this same object to the jwt callback, whose token takes its id as `sub`.
    Object.assign(user, { id: result.user.id, name: result.user.name, role: result.user.role });
    return true;
  };
}
