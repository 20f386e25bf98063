import { io as connect } from "socket.io-client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiToken } from "../services/tokens/create-api-token";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { TRPC_MAX_BATCH } from "../trpc/batch-limit";
import { CSRF_HEADER } from "./csrf";
import { postSignIn, sessionCookie, startTestServer, type TestServer } from "./http-test-server";
import { RateLimiter } from "./rate-limit";
import { MAX_BODY_BYTES } from "./read-body";

describe("HTTP security", () => {
  let demo: DemoFixture;
  let server: TestServer;

  beforeAll(async () => {
    demo = await createDemoFixture();
    server = await startTestServer(demo.services, {
      api: { burst: 3, perMinute: 60 },
      metrics: { burst: 2, perMinute: 6 },
      signIn: { burst: 2, perMinute: 6 },
    });
  });
  afterAll(async () => {
    await server.close();
    await demo.database.drop();
  });

  describe("CSRF on cookie-authenticated tRPC mutations", () => {
    const pause = async (headers: Record<string, string>) => {
      const cookie = await sessionCookie(demo.actor("operator"));
      return fetch(`${server.url}/api/trpc/rollouts.pause`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: cookie, ...headers },
        body: JSON.stringify(superjson.serialize({ id: "csrf-missing" })),
      });
    };

    it("refuses a browser mutation without the header or a same-origin Origin", async () => {
      const response = await pause({ "Sec-Fetch-Site": "same-origin" });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        code: "CSRF",
        message: `send the header ${CSRF_HEADER}: 1 with cookie-authenticated requests`,
      });
    });

    it("refuses a cross-site form or fetch, whatever else it sends", async () => {
      expect((await pause({ Origin: "https://evil.example" })).status).toBe(403);
      expect((await pause({ Origin: "https://evil.example", [CSRF_HEADER]: "1" })).status).toBe(403);
      expect((await pause({ "Sec-Fetch-Site": "cross-site", [CSRF_HEADER]: "1" })).status).toBe(403);
      expect((await pause({ "Sec-Fetch-Site": "same-site" })).status).toBe(403);
      expect((await pause({ Origin: "null" })).status).toBe(403);
    });

    it("in strict mode, refuses any mutation without the header or a same-origin Origin", async () => {
      const strict = await startTestServer(demo.services, {}, { csrfStrict: true });
      try {
        const cookie = await sessionCookie(demo.actor("operator"));
        const call = (headers: Record<string, string>) =>
          fetch(`${strict.url}/api/trpc/rollouts.pause`, {
            method: "POST",
            headers: { "Content-Type": "application/json", Cookie: cookie, ...headers },
            body: JSON.stringify(superjson.serialize({ id: "csrf-missing" })),
          }).then((r) => r.status);
        expect(await call({})).toBe(403);
        expect(await call({ [CSRF_HEADER]: "1" })).toBe(404);
      } finally {
        await strict.close();
      }
    });

    it("lets the dashboard's own requests through to authorization and validation", async () => {
      // NOT_FOUND: past the CSRF check, the session and the permission, stopped by the unknown id.
      expect((await pause({ [CSRF_HEADER]: "1" })).status).toBe(404);
      expect((await pause({ Origin: server.url, "Sec-Fetch-Site": "same-origin" })).status).toBe(404);
    });

    it("leaves queries (GET) alone", async () => {
      const cookie = await sessionCookie(demo.actor("viewer"));
      const response = await fetch(`${server.url}/api/trpc/session.me`, { headers: { Cookie: cookie } });
      expect(response.status).toBe(200);
    });
  });

  describe("rate limits", () => {
    it("answers 429 with Retry-After once a token's API bucket is empty, per token", async () => {
      const admin = demo.actor("admin");
      const mint = async () =>
        (await createApiToken(demo.services, admin, { name: "limited", scopes: ["read"] })).secret;
      const [first, second] = [await mint(), await mint()];
      const list = (token: string) =>
        fetch(`${server.url}/api/v1/rollouts`, { headers: { Authorization: `Bearer ${token}` } });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await list(first)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await list(first);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ code: "RATE_LIMITED" });
      expect((await list(second)).status).toBe(200);
    });

    it("refuses an address that keeps presenting made-up tokens before looking any of them up", async () => {
      const guarded = await startTestServer(demo.services, { unknownTokens: { burst: 3, perMinute: 1 } });
      try {
        const list = (token: string) =>
          fetch(`${guarded.url}/api/v1/rollouts`, { headers: { Authorization: `Bearer ${token}` } });
        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push((await list(`slc_made-up-${i}`)).status);
        expect(statuses).toEqual([401, 401, 401, 429, 429]);
        expect(await (await list("slc_made-up-again")).json()).toMatchObject({
          code: "RATE_LIMITED",
          message: expect.stringContaining("unknown tokens from this address"),
        });
      } finally {
        await guarded.close();
      }
    });

    it("limits metric ingest separately, per token", async () => {
      const { secret } = await createApiToken(demo.services, demo.actor("admin"), {
        name: "pusher",
        scopes: ["metrics:write"],
      });
      const push = () =>
        fetch(`${server.url}/api/v1/metrics`, {
          method: "POST",
          headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
          body: JSON.stringify({ samples: [] }),
        });
      const [a, b, c] = [await push(), await push(), await push()];
      expect([a.status, b.status]).not.toContain(429);
      expect(c.status).toBe(429);
      expect(c.headers.get("retry-after")).toMatch(/^([1-9]|10)$/);
    });

    it("limits sign-in attempts per client address", async () => {
      const attempts = [];
      for (let i = 0; i < 3; i++) attempts.push(await postSignIn(server.url, "rate@sluice.local", "x"));
      expect(attempts.map((a) => a.status)).toEqual([401, 401, 429]);
      expect(attempts[2]).toMatchObject({
        error: "RateLimited",
        retryAfter: expect.stringMatching(/^([1-9]|10)$/),
      });
    });

    it("refills a bucket over time", () => {
      let now = 0;
      const limiter = new RateLimiter({ burst: 2, perMinute: 60 }, () => now);
      expect([limiter.take("k"), limiter.take("k"), limiter.take("k")]).toEqual([
        { allowed: true },
        { allowed: true },
        { allowed: false, retryAfterSeconds: 1 },
      ]);
      now += 1000;
      expect(limiter.take("k")).toEqual({ allowed: true });
    });
  });

  describe("headers and errors", () => {
    it("sends a CSP and the other security headers on every response", async () => {
      for (const path of ["/rollouts", "/api/v1/openapi.json", "/api/auth/csrf", "/api/trpc/session.me"]) {
        const { headers } = await fetch(`${server.url}${path}`);
        expect(headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
        expect(headers.get("content-security-policy")).toContain(`connect-src 'self' ws://127.0.0.1:`);
        expect(headers.get("content-security-policy")).toContain("object-src 'none'");
        expect(headers.get("x-content-type-options")).toBe("nosniff");
        expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
        expect(headers.get("x-frame-options")).toBe("DENY");
      }
    });

    it("gives each page a fresh script nonce, the same in the response and in the request Next renders", async () => {
      const page = async () => {
        // A client-sent policy must not choose the nonce.
        const response = await fetch(`${server.url}/rollouts`, {
          headers: { "Content-Security-Policy": "script-src 'nonce-chosen-by-client'" },
        });
        const policy = response.headers.get("content-security-policy") ?? "";
        const seenByNext = (await response.text()).replace(/^<!doctype html><p>|<\/p>$/g, "");
        return { policy, seenByNext, nonce: /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1] };
      };
      const first = await page();
      const second = await page();
      expect(first.policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'(;|$)/);
      expect(first.seenByNext).toBe(first.policy);
      expect(first.policy).not.toContain("chosen-by-client");
      expect(second.nonce).toBeDefined();
      expect(second.nonce).not.toBe(first.nonce);
      const scriptSrc = first.policy.split("; ").find((d) => d.startsWith("script-src"));
      expect(scriptSrc).not.toContain("unsafe-inline");
      // Responses that are not pages run no inline script at all.
      const api = await fetch(`${server.url}/api/v1/openapi.json`);
      expect(api.headers.get("content-security-policy")).toContain("script-src 'self'; ");
    });

    it("refuses an oversized tRPC body with 413 and an oversized batch with 400", async () => {
      const cookie = await sessionCookie(demo.actor("operator"));
      const headers = { "Content-Type": "application/json", Cookie: cookie, [CSRF_HEADER]: "1" };
      const huge = await fetch(`${server.url}/api/trpc/rollouts.pause`, {
        method: "POST",
        headers,
        body: JSON.stringify(superjson.serialize({ id: "x", reason: "a".repeat(MAX_BODY_BYTES) })),
      });
      expect(huge.status).toBe(413);
      const paths = Array.from({ length: TRPC_MAX_BATCH + 1 }, () => "session.me").join(",");
      const batch = await fetch(`${server.url}/api/trpc/${paths}?batch=1`, { headers });
      expect(batch.status).toBe(400);
      const allowed = Array.from({ length: TRPC_MAX_BATCH }, () => "session.me").join(",");
      expect((await fetch(`${server.url}/api/trpc/${allowed}?batch=1`, { headers })).status).toBe(200);
    });

    it("names the offending field of bad tRPC input and sends no stack", async () => {
      const cookie = await sessionCookie(demo.actor("operator"));
      const response = await fetch(`${server.url}/api/trpc/rollouts.pause`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: cookie, [CSRF_HEADER]: "1" },
        body: JSON.stringify(superjson.serialize({ id: "" })),
      });
      const body = (await response.json()) as { error: { json: { data: Record<string, unknown> } } };
      expect(response.status).toBe(400);
      expect(body.error.json.data).toMatchObject({ code: "BAD_REQUEST", field: "id" });
      expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/);
    });
  });

  it("hides an internal error's message in production", async () => {
    const leaky = new Proxy(demo.database.db, {
      get(target, prop, receiver) {
        if (prop !== "rollout") return Reflect.get(target, prop, receiver);
        return {
          findMany: () => Promise.reject(new Error('relation "Rollout" does not exist: SELECT * FROM ...')),
        };
      },
    });
    const broken = await startTestServer({ ...demo.services, db: leaky });
    vi.stubEnv("NODE_ENV", "production");
    try {
      const cookie = await sessionCookie(demo.actor("viewer"));
      const response = await fetch(`${broken.url}/api/trpc/rollouts.list`, { headers: { Cookie: cookie } });
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(text).toContain('"message":"Internal error"');
      expect(text).not.toMatch(/SELECT|relation|stack|\.ts/);
      expect(broken.logs.join("\n")).toContain("SELECT * FROM");
    } finally {
      vi.unstubAllEnvs();
      await broken.close();
    }
  });

  describe("socket sessions", () => {
    it("closes a socket when its session expires, and its reconnect is refused", async () => {
      const cookie = await sessionCookie(demo.actor("viewer"), 2);
      const socket = connect(server.url, {
        transports: ["websocket"],
        extraHeaders: { Cookie: cookie },
        reconnectionDelay: 100,
        reconnectionDelayMax: 100,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once("connect", resolve);
          socket.once("connect_error", reject);
        });
        expect(await socket.timeout(2000).emitWithAck("subscribe", "overview")).toEqual({
          ok: true,
          head: expect.any(Number),
        });
        const reason = await new Promise<string>((resolve) => socket.once("disconnect", resolve));
        expect(reason).toBe("transport close");
        const refused = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
        expect(refused.message).toBe("unauthorized");
        expect(server.io.sockets.sockets.size).toBe(0);
      } finally {
        socket.close();
      }
    });
  });
});
