import { describe, expect, it } from "vitest";
import {
  afterSignInPath,
  SIGN_IN_UNAVAILABLE,
  signInFailure,
  TOO_MANY_ATTEMPTS,
  WRONG_CREDENTIALS,
} from "./sign-in-outcome";

const origin = "https://sluice.example";

describe("afterSignInPath", () => {
  it("goes to a page of this site, with its query and hash", () => {
    expect(afterSignInPath("/rollouts/abc", origin)).toBe("/rollouts/abc");
    expect(afterSignInPath("/audit?actor=a%40b.c&page=2#row-3", origin)).toBe(
      "/audit?actor=a%40b.c&page=2#row-3",
    );
    expect(afterSignInPath(`${origin}/flags`, origin)).toBe("/flags");
  });

  it("never leaves the site", () => {
    for (const attack of [
      "//evil.example/sluice/signin",
      "/\\evil.example/sluice/signin",
      "\\\\evil.example",
      "https://evil.example/rollouts",
      "https://sluice.example.evil.example/",
      "javascript:alert(1)",
      "/.//evil.example",
      "/..//evil.example",
      "/%2e//evil.example",
      "/a/..//evil.example",
      "http://[",
    ]) {
      expect(afterSignInPath(attack, origin), attack).toBe("/rollouts");
    }
  });

  it("goes to the rollouts without a target, or when the target is the sign-in page", () => {
    expect(afterSignInPath(null, origin)).toBe("/rollouts");
    expect(afterSignInPath("", origin)).toBe("/rollouts");
    expect(afterSignInPath("/signin?callbackUrl=%2Fflags", origin)).toBe("/rollouts");
  });
});

describe("signInFailure", () => {
  const answer = (ok: boolean, status: number, error: string | null) => () =>
    Promise.resolve({ ok, status, error });

  it("is null when signed in", async () => {
    expect(await signInFailure(answer(true, 200, null))).toBeNull();
  });

  it("says wrong credentials only for wrong credentials", async () => {
    expect(await signInFailure(answer(false, 401, "CredentialsSignin"))).toBe(WRONG_CREDENTIALS);
  });

  it("reports a lockout or the rate limit as too many attempts", async () => {
    expect(await signInFailure(answer(false, 429, "SignInLocked"))).toBe(TOO_MANY_ATTEMPTS);
    expect(await signInFailure(answer(false, 429, "RateLimited"))).toBe(TOO_MANY_ATTEMPTS);
    // The lock checked inside authorize comes back as next-auth's 401 with the thrown message.
    expect(await signInFailure(answer(false, 401, "SignInLocked"))).toBe(TOO_MANY_ATTEMPTS);
  });

  it("says sign-in is unavailable on a server error, a thrown request or no answer", async () => {
    expect(await signInFailure(answer(false, 500, "CredentialsSignin"))).toBe(SIGN_IN_UNAVAILABLE);
    expect(await signInFailure(answer(false, 401, "Can't reach database server"))).toBe(SIGN_IN_UNAVAILABLE);
    expect(await signInFailure(() => Promise.reject(new TypeError("Invalid URL")))).toBe(SIGN_IN_UNAVAILABLE);
    expect(await signInFailure(() => Promise.resolve(undefined))).toBe(SIGN_IN_UNAVAILABLE);
  });
});
