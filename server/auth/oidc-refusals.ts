/**
 * Why an OpenID Connect sign-in was refused. The code travels to the sign-in page in the URL
 * (`/signin?error=OidcRefused&reason=<code>`); the detail (groups, subject) goes to the audit log only.
 * No server imports here: the sign-in page reads the messages too.
 */
export const OIDC_REFUSALS = {
  "no-role": "Your account is in no group that has a Sluice role. Ask for one of the mapped groups.",
  "email-missing": "Your identity provider did not send an email address, which Sluice needs.",
  "email-unverified": "Your identity provider says your email address is not verified.",
  "local-account": "A Sluice password account already uses your email address; ask an admin to retire it.",
} as const;

export type OidcRefusalCode = keyof typeof OIDC_REFUSALS;

export const oidcRefusalUrl = (code: OidcRefusalCode) => `/signin?error=OidcRefused&reason=${code}`;

/** The message for a sign-in page's `reason` parameter, or a generic one for anything unknown. */
export function oidcRefusalMessage(reason: string | null): string {
  return reason && Object.hasOwn(OIDC_REFUSALS, reason)
    ? OIDC_REFUSALS[reason as OidcRefusalCode]
    : "Sign-in through your identity provider was refused.";
}
