/**
 * The errors next-auth reports (as `?error=`) for a refused sign-in attempt, besides its own
 * `CredentialsSignin`. No server imports here: the sign-in page reads them too.
 */
/** The account or the client address is locked out after too many failures. */
export const SIGN_IN_LOCKED = "SignInLocked";
/** The client address made too many attempts in a short time. */
export const SIGN_IN_RATE_LIMITED = "RateLimited";
