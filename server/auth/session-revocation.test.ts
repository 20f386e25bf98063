import { io as connectClient, type Socket } from "socket.io-client";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../http/csrf";
import { postSignIn, postSignOut, sessionCookie } from "../http/http-test-server";
import { useDemoServer } from "../testing/demo-server";
import type { Actor } from "./permissions";
import { isSessionRevoked, sessionSignedInAt } from "./session-revocation";

describe("which sessions are revoked (pure)", () => {
  it("refuses a session that began before the user's sessions were ended, and only that", () => {
    expect(isSessionRevoked(1_000, null)).toBe(false);
    expect(isSessionRevoked(999, 1_000)).toBe(true);
    expect(isSessionRevoked(1_000, 1_000)).toBe(false);
    expect(isSessionRevoked(1_001, 1_000)).toBe(false);
  });

  it("dates a session by its sign-in claim, else by the token's issue time (seconds)", () => {
    expect(sessionSignedInAt({ signedInAt: 1_234_567, iat: 99 })).toBe(1_234_567);
    expect(sessionSignedInAt({ iat: 1_700_000_000 })).toBe(1_700_000_000_000);
    expect(sessionSignedInAt({})).toBeNull();
  });
});

/**
 * Sessions end on the server: a role change or a sign-out refuses the old cookie over tRPC and drops
 * sockets opened with it; a session begun afterwards works.
 */
describe("server-side session revocation", () => {
  const sockets: Socket[] = [];
  const app = useDemoServer(() => {
    for (const socket of sockets) socket.close();
  });

  const trpcQuery = (cookie: string) =>
    fetch(`${app.server.url}/api/trpc/rollouts.list`, { headers: { Cookie: cookie } }).then((r) => r.status);

  async function trpcMutation(cookie: string, path: string, input: unknown) {
    const response = await fetch(`${app.server.url}/api/trpc/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: cookie, [CSRF_HEADER]: "1" },
      body: JSON.stringify(superjson.serialize(input)),
    });
    const body = (await response.json()) as { error?: { json: { data: { code: string } } } };
    return { status: response.status, code: body.error?.json.data.code };
  }

  /** A connected socket and a promise that settles when the server drops it. */
  async function connectWith(cookie: string) {
    const socket = connectClient(app.server.url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      extraHeaders: { Cookie: cookie },
    });
    sockets.push(socket);
    const dropped = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    expect(await socket.emitWithAck("subscribe", "overview")).toMatchObject({ ok: true });
    return { socket, dropped };
  }

  /** Polls a condition on a slow machine: no fixed sleeps, a generous limit. */
  async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
    for (let tries = 0; !(await condition()); tries++) {
      if (tries > 600) throw new Error(`gave up waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const cookieFor = (actor: Actor) => sessionCookie(actor, 3600, app.demo.services.now());

  it("ends a user's sessions when an admin changes their role", async () => {
    const operator = app.demo.actor("operator");
    const oldCookie = await cookieFor(operator);
    expect(await trpcQuery(oldCookie)).toBe(200);
    const { dropped } = await connectWith(oldCookie);

    app.demo.advanceClock(1_000);
    const admin = await cookieFor(app.demo.actor("admin"));
    expect(await trpcMutation(admin, "admin.setRole", { userId: operator.id, role: "viewer" })).toEqual({
      status: 200,
      code: undefined,
    });

    expect(await trpcQuery(oldCookie)).toBe(401);
    // The demoted operator can no longer kill a rollout with the cookie they held.
    const kill = await trpcMutation(oldCookie, "rollouts.pause", { id: app.demo.rollouts.checkout });
    expect(kill).toEqual({ status: 401, code: "UNAUTHORIZED" });
    await expect(dropped).resolves.toBe("transport close");
    await expect(connectWith(oldCookie)).rejects.toThrow("unauthorized");

    // Signed in again after the change: the new role, and nothing more.
    const newCookie = await cookieFor({ ...operator, role: "viewer" });
    expect(await trpcQuery(newCookie)).toBe(200);
    await connectWith(newCookie);
    const refused = await trpcMutation(newCookie, "rollouts.pause", { id: app.demo.rollouts.checkout });
    expect(refused).toEqual({ status: 403, code: "FORBIDDEN" });
    const [audited] = await app.demo.database.db.auditEvent.findMany({
      where: { action: "user.role-changed" },
    });
    expect(audited).toMatchObject({ targetId: operator.id, after: { role: "viewer" } });
  });

  it("ends the session on the server at sign-out, through next-auth's own endpoint", async () => {
    const email = "release-manager@sluice.local";
    const signedIn = await postSignIn(app.server.url, email, "test-password");
    expect(signedIn.status).toBe(200);
    const oldCookie = signedIn.cookies.map((c) => c.split(";")[0]).join("; ");
    expect(await trpcQuery(oldCookie)).toBe(200);
    const { dropped } = await connectWith(oldCookie);

    app.demo.advanceClock(1_000);
    expect(await postSignOut(app.server.url, oldCookie)).toBe(200);

    // The copied cookie no longer works anywhere, and next-auth will not renew it either.
    expect(await trpcQuery(oldCookie)).toBe(401);
    await expect(dropped).resolves.toBe("transport close");
    await expect(connectWith(oldCookie)).rejects.toThrow("unauthorized");
    const renewed = await fetch(`${app.server.url}/api/auth/session`, { headers: { Cookie: oldCookie } });
    expect(await renewed.json()).toEqual({});

    const again = await postSignIn(app.server.url, email, "test-password");
    const newCookie = again.cookies.map((c) => c.split(";")[0]).join("; ");
    expect(await trpcQuery(newCookie)).toBe(200);
    // Signing out with the stale cookie cannot end the owner's new session.
    app.demo.advanceClock(1_000);
    await postSignOut(app.server.url, oldCookie);
    expect(await trpcQuery(newCookie)).toBe(200);
    const signOuts = await app.demo.database.db.auditEvent.findMany({ where: { action: "auth.signed-out" } });
    expect(signOuts).toHaveLength(1);
  });

  it("sees a revocation made by another instance through the shared database, sockets included", async () => {
    const auditor = app.demo.actor("auditor");
    const cookie = await cookieFor(auditor);
    expect(await trpcQuery(cookie)).toBe(200);
    const { dropped } = await connectWith(cookie);

    // What another instance's sign-out writes; this instance hears no event of it.
    app.demo.advanceClock(1_000);
    await app.demo.database.db.user.update({
      where: { id: auditor.id },
      data: { sessionsValidFrom: app.demo.services.now() },
    });

    await until(async () => (await trpcQuery(cookie)) === 401, "the cached entry to expire");
    await expect(dropped).resolves.toBe("transport close");
  });
});
