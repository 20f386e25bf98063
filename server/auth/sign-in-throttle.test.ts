import { describe, expect, it } from "vitest";
import { postSignIn, postSignOut } from "../http/http-test-server";
import { useDemoServer } from "../testing/demo-server";
import { ACCOUNT_LOCKOUT, lockSeconds } from "./sign-in-throttle";

describe("sign-in lockout", () => {
  const app = useDemoServer();
  const password = "test-password";

  const email = (role: string) => `${role.replace("_", "-")}@sluice.local`;
  const audit = (action: string) =>
    app.demo.database.db.auditEvent.findMany({ where: { action }, orderBy: { id: "asc" } });

  it("doubles the lock from 1 minute after 5 failures, capped at 1 hour", () => {
    expect([4, 5, 6, 7, 11, 12, 50].map((n) => lockSeconds(n, ACCOUNT_LOCKOUT))).toEqual([
      0, 60, 120, 240, 3600, 3600, 3600,
    ]);
  });

  it("signs in with the right password, with a secure-by-default cookie and an audit event", async () => {
    const result = await postSignIn(app.server.url, email("operator"), password);
    expect(result.status).toBe(200);
    const session = result.cookies.find((c) => c.startsWith("next-auth.session-token="));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    const [event] = await audit("auth.signed-in");
    expect(event).toMatchObject({ targetType: "user", actor: expect.stringMatching(/^operator:/) });
  });

  it("refuses a sign-in body past 16 KiB with 413, not an internal error", async () => {
    const response = await fetch(`${app.server.url}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: email("operator"), password: "x".repeat(20_000) }),
    });
    expect(response.status).toBe(413);
  });

  it("locks an account after 5 failures, refusing even the right password with 429 and Retry-After", async () => {
    for (let i = 0; i < 5; i++) {
      expect(await postSignIn(app.server.url, email("viewer"), `wrong-${i}`)).toMatchObject({
        status: 401,
        error: "CredentialsSignin",
      });
    }
    const locked = await postSignIn(app.server.url, email("viewer"), password);
    expect(locked).toMatchObject({ status: 429, error: "SignInLocked", retryAfter: "60" });
    const failures = await audit("auth.sign-in-failed");
    expect(failures).toHaveLength(5);
    expect(failures[4]).toMatchObject({ reason: "wrong credentials; locked for 60 s", targetType: "user" });

    app.demo.advanceClock(61_000);
    expect((await postSignIn(app.server.url, email("viewer"), "wrong-again")).status).toBe(401);
    expect(await postSignIn(app.server.url, email("viewer"), password)).toMatchObject({
      status: 429,
      retryAfter: "120",
    });
    app.demo.advanceClock(121_000);
    expect((await postSignIn(app.server.url, email("viewer"), password)).status).toBe(200);
    // A success clears the account's record: one more failure does not lock again.
    expect((await postSignIn(app.server.url, email("viewer"), "wrong")).status).toBe(401);
    expect((await postSignIn(app.server.url, email("viewer"), password)).status).toBe(200);
  });

  it("treats an unknown account exactly like a known one", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await postSignIn(app.server.url, "nobody@sluice.local", "x")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const locked = await postSignIn(app.server.url, "nobody@sluice.local", "x");
    expect(locked).toMatchObject({ status: 429, error: "SignInLocked", retryAfter: "60" });
  });

  it("locks a client address that guesses across many accounts", async () => {
    // 11 failures so far from this address; 20 lock it, whichever accounts they named.
    for (let i = 0; i < 9; i++) await postSignIn(app.server.url, `guess-${i}@sluice.local`, "x");
    expect(await postSignIn(app.server.url, email("auditor"), password)).toMatchObject({ status: 429 });
    app.demo.advanceClock(3_600_000);
    expect((await postSignIn(app.server.url, email("auditor"), password)).status).toBe(200);
  });

  it("records sign-out as an audit event", async () => {
    const signedIn = await postSignIn(app.server.url, email("admin"), password);
    const session = signedIn.cookies.map((c) => c.split(";")[0]).join("; ");
    await postSignOut(app.server.url, session);
    expect(await audit("auth.signed-out")).toEqual([
      expect.objectContaining({ targetType: "user", actor: expect.stringMatching(/^admin:/) }),
    ]);
  });
});
