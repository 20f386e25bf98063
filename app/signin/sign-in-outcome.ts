import type { SignInResponse } from "next-auth/react";
import { SIGN_IN_LOCKED, SIGN_IN_RATE_LIMITED } from "../../server/auth/sign-in-errors";

const DEFAULT_PAGE = "/rollouts";

/**
 * Where to go after signing in: the requested page when it is on this site (as a path, so nothing like
 * `//evil.example` or `/\evil.example` can leave it) and not the sign-in page itself, else the rollouts.
 */
export function afterSignInPath(callbackUrl: string | null, origin: string): string {
  if (!callbackUrl) return DEFAULT_PAGE;
  let url: URL;
  try {
    url = new URL(callbackUrl, origin);
  } catch {
    return DEFAULT_PAGE;
  }
  if (url.origin !== origin || url.pathname === "/signin") return DEFAULT_PAGE;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A path can itself read as another host: `/.//evil.example` normalises to `//evil.example`.
  return new URL(path, origin).origin === origin ? path : DEFAULT_PAGE;
}

export const WRONG_CREDENTIALS = "Wrong email or password.";
export const TOO_MANY_ATTEMPTS = "Too many attempts — try again in a few minutes";
export const SIGN_IN_UNAVAILABLE = "Sign-in is unavailable right now";

/**
 * What the form says about a sign-in attempt; null when it succeeded. next-auth reports wrong credentials
 * as `CredentialsSignin`; a lockout or the server's 429 as `SignInLocked` or `RateLimited` (for unknown emails too, so
 * it reveals nothing); anything else (a 5xx, an error thrown while checking, no answer at all, or a
 * request that throws, as next-auth's client does on a 500 without a `url`) means sign-in is broken.
 */
export async function signInFailure(
  attempt: () => Promise<Pick<SignInResponse, "ok" | "error" | "status"> | undefined>,
): Promise<string | null> {
  try {
    const result = await attempt();
    if (result?.ok && !result.error) return null;
    if (result && result.status < 500) {
      if (result.error === "CredentialsSignin") return WRONG_CREDENTIALS;
      if (result.error === SIGN_IN_LOCKED || result.error === SIGN_IN_RATE_LIMITED) return TOO_MANY_ATTEMPTS;
    }
    return SIGN_IN_UNAVAILABLE;
  } catch {
    return SIGN_IN_UNAVAILABLE;
  }
}
