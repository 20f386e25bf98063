import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventBus } from "../services/events/event-bus";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { actorFromCookieHeader, parseCookies } from "./session";
import { createSessionRevocations, type SessionRevocations } from "./session-revocation";

const secret = "a-test-secret-that-is-long-enough-0123456789";

describe("session cookies", () => {
  let database: TestDatabase;
  let sessions: SessionRevocations;
  beforeAll(async () => {
    database = await createTestDatabase();
    sessions = createSessionRevocations({ db: database.db, events: new EventBus() });
  });
  afterAll(async () => {
    sessions.close();
    await database.drop();
  });

  it("parses a Cookie header", () => {
    expect(parseCookies("a=1; b=x%20y;c")).toEqual({ a: "1", b: "x y" });
    expect(parseCookies(undefined)).toEqual({});
  });

  it("reads the actor from a session cookie signed with the secret", async () => {
    const token = await encode({ secret, token: { sub: "u1", name: "Ops", role: "operator" } });
    expect(
      await actorFromCookieHeader(`other=1; next-auth.session-token=${token}`, secret, sessions),
    ).toEqual({
      id: "u1",
      name: "Ops",
      role: "operator",
    });
  });

  it("trusts nothing else: no cookie, another secret, an unknown role", async () => {
    const foreign = await encode({ secret: `${secret}-other`, token: { sub: "u1", role: "admin" } });
    // @ts-expect-error a role Sluice does not know, as a forged or stale token might carry
    const badRole = await encode({ secret, token: { sub: "u1", role: "root" } });
    expect(await actorFromCookieHeader(undefined, secret, sessions)).toBeNull();
    expect(await actorFromCookieHeader(`next-auth.session-token=${foreign}`, secret, sessions)).toBeNull();
    expect(await actorFromCookieHeader(`next-auth.session-token=${badRole}`, secret, sessions)).toBeNull();
  });
});
