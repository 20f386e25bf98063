import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnknownTokenGuard } from "../http/rate-limit";
import { createFlag } from "../services/flags/create-flag";
import { updateFlag } from "../services/flags/update-flag";
import { createApiToken } from "../services/tokens/create-api-token";
import { revokeApiToken } from "../services/tokens/revoke-api-token";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { createOfrepHandler } from "./ofrep-handler";
import { type OfrepTestServer, startOfrepServer } from "./ofrep-test-server";
import { createTokenCache } from "./token-cache";

describe("OFREP over HTTP", () => {
  let demo: DemoFixture;
  let server: OfrepTestServer;
  let secret: string;
  let tokenId: string;
  let clock = 0;

  const evaluate = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/ofrep/v1/evaluate/flags${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    demo = await createDemoFixture();
    const created = await createApiToken(demo.services, demo.actor("admin"), {
      name: "sdk",
      scopes: ["flags:evaluate"],
    });
    secret = created.secret;
    tokenId = created.token.id;
    await createFlag(demo.services, demo.actor("release_manager"), {
      key: "search.banner",
      service: "search",
      variants: [
        { name: "off", value: false },
        { name: "on", value: true },
      ],
      defaultVariant: "off",
      offVariant: "off",
      rules: [
        {
          name: "staff",
          conditions: [{ attribute: "email", operator: "ends_with", values: ["@sluice.local"] }],
          serve: { variant: "on" },
        },
      ],
    });
    server = await startOfrepServer(demo.services, {
      tokens: createTokenCache(demo.services, { ttlMs: 5_000, clock: () => clock }),
      allowedOrigins: ["http://app.example"],
    });
  });
  afterAll(async () => {
    await server?.close();
    await demo?.database.drop();
  });

  it("evaluates one flag in the OFREP shape, with the variant in the metadata", async () => {
    const response = await evaluate("/search.banner", {
      context: { targetingKey: "u1", email: "a@sluice.local" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      key: "search.banner",
      value: true,
      reason: "TARGETING_MATCH",
      variant: "on",
      metadata: { variant: "on" },
    });
  });

  it("answers the spec's error codes and statuses", async () => {
    const cases: [string, unknown, number, string][] = [
      ["/nope", { context: { targetingKey: "u1" } }, 404, "FLAG_NOT_FOUND"],
      ["/search.banner", "{not json", 400, "PARSE_ERROR"],
      ["/search.banner", "[1]", 400, "PARSE_ERROR"],
      ["/search.banner", { context: "text" }, 400, "INVALID_CONTEXT"],
      ["/search.banner", { context: { targetingKey: 42 } }, 400, "INVALID_CONTEXT"],
      ["/search.semantic-ranking", { context: {} }, 400, "TARGETING_KEY_MISSING"],
      ["/%E0%A4%A", {}, 400, "PARSE_ERROR"],
      ["", { context: [] }, 400, "INVALID_CONTEXT"],
      ["", "{", 400, "PARSE_ERROR"],
      ["", "null", 400, "PARSE_ERROR"],
      ["", `{"context":{"pad":"${"x".repeat(70_000)}"}}`, 400, "PARSE_ERROR"],
      ["/search.banner", `{"context":{"pad":"${"x".repeat(70_000)}"}}`, 400, "PARSE_ERROR"],
    ];
    for (const [path, body, status, errorCode] of cases) {
      const response = await evaluate(path, body);
      expect({ path, status: response.status }).toEqual({ path, status });
      const answer = await response.json();
      expect(answer).toMatchObject({ errorCode, errorDetails: expect.any(String) });
      // The single route's evaluationFailure names the flag; the bulk route's bulkEvaluationFailure has no key.
      expect({ path, key: answer.key }).toEqual({ path, key: path === "" ? undefined : expect.any(String) });
    }
  });

  it("refuses a bulk request whose context no flag can use: the spec's bulk 400, naming the field", async () => {
    const { headers } = await evaluate("", { context: { targetingKey: "u7" } });
    const etag = headers.get("etag") as string;
    const cases: [unknown, string][] = [
      [{ context: { targetingKey: 5 } }, "context.targetingKey: must be a string"],
      [
        { context: { targetingKey: null, email: "a@sluice.local" } },
        "context.targetingKey: must be a string",
      ],
      [{ context: "text" }, "context: must be an object"],
      [{ context: [] }, "context: must be an object"],
    ];
    for (const [body, errorDetails] of cases) {
      // Not a 200 listing INVALID_CONTEXT for every flag, and never a 304, whatever tag is sent.
      const response = await evaluate("", body, { "If-None-Match": etag });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.headers.get("etag")).toBeNull();
      expect(await response.json()).toEqual({ errorCode: "INVALID_CONTEXT", errorDetails });
    }
    // The single route names the field the same way, with its flag key.
    const single = await evaluate("/search.banner", { context: { targetingKey: 5 } });
    expect(single.status).toBe(400);
    expect(await single.json()).toEqual({
      key: "search.banner",
      errorCode: "INVALID_CONTEXT",
      errorDetails: "context.targetingKey: must be a string",
    });
  });

  it("answers an unexpected failure 500 without its details, naming the flag only on the single route", async () => {
    const broken = () => {
      throw new Error("store exploded: secret detail");
    };
    const logs: string[] = [];
    const handler = createOfrepHandler({
      store: { evaluate: broken, evaluateAll: broken },
      services: demo.services,
      log: (line) => logs.push(line),
    });
    const failing = createServer(handler);
    await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/ofrep/v1/evaluate/flags`;
      const call = (path: string) =>
        fetch(`${url}${path}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${secret}` },
          body: "{}",
        });
      const single = await call("/search.banner");
      expect(single.status).toBe(500);
      expect(await single.json()).toEqual({
        key: "search.banner",
        errorCode: "GENERAL",
        errorDetails: "Internal error",
      });
      const bulk = await call("");
      expect(bulk.status).toBe(500);
      expect(await bulk.json()).toEqual({ errorCode: "GENERAL", errorDetails: "Internal error" });
      expect(logs.join("\n")).toMatch(/secret detail/);
    } finally {
      await new Promise<void>((resolve) => {
        failing.close(() => resolve());
        failing.closeAllConnections();
      });
    }
  });

  it("refuses a missing, unknown or under-scoped token, and other methods and paths", async () => {
    const other = await createApiToken(demo.services, demo.actor("admin"), { name: "ci", scopes: ["read"] });
    const statuses = await Promise.all([
      evaluate("/search.banner", {}, { Authorization: "" }).then((r) => r.status),
      evaluate("/search.banner", {}, { Authorization: "Bearer slc_unknown" }).then((r) => r.status),
      evaluate("/search.banner", {}, { Authorization: `Bearer ${other.secret}` }).then((r) => r.status),
      fetch(`${server.url}/ofrep/v1/evaluate/flags`).then((r) => r.status),
      fetch(`${server.url}/ofrep/v2/whatever`, { method: "POST" }).then((r) => r.status),
    ]);
    expect(statuses).toEqual([401, 401, 403, 405, 404]);
    // OFREP's alternative credential header.
    const apiKey = await evaluate("/search.banner", {}, { Authorization: "", "X-API-Key": secret });
    expect(apiKey.status).toBe(200);
  });

  it("gives the bulk answer an ETag and answers 304 while nothing changed", async () => {
    const context = { context: { targetingKey: "u7" } };
    const first = await evaluate("", context);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag") as string;
    const { flags } = (await first.json()) as { flags: { key: string }[] };
    expect(flags.map((f) => f.key)).toEqual([...flags.map((f) => f.key)].sort());
    expect(flags).toContainEqual(
      expect.objectContaining({ key: "search.banner", value: false, reason: "DEFAULT" }),
    );

    const again = await evaluate("", context, { "If-None-Match": `W/"other", ${etag}` });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    // Another context is another answer.
    expect(
      (
        await evaluate(
          "",
          { context: { targetingKey: "u8", email: "x@sluice.local" } },
          { "If-None-Match": etag },
        )
      ).status,
    ).toBe(200);

    await updateFlag(demo.services, demo.actor("release_manager"), "search.banner", { defaultVariant: "on" });
    await server.store.reload();
    const changed = await evaluate("", context, { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("answers CORS preflights for allowed origins only, and exposes the ETag", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/ofrep/v1/evaluate/flags`, {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
      });
    const allowed = await preflight("http://app.example");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://app.example");
    expect(allowed.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    const foreign = await preflight("http://evil.example");
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const bulk = await evaluate("", {}, { Origin: "http://app.example" });
    expect(bulk.headers.get("access-control-expose-headers")).toMatch(/ETag/);
  });

  it("caches token lookups: a revocation takes effect once the cache entry expires", async () => {
    expect((await evaluate("/search.banner", {})).status).toBe(200);
    await revokeApiToken(demo.services, demo.actor("admin"), tokenId);
    // Within the TTL the cached answer stands, with no database read.
    clock += 4_000;
    expect((await evaluate("/search.banner", {})).status).toBe(200);
    clock += 1_001;
    expect((await evaluate("/search.banner", {})).status).toBe(401);
    const replacement = await createApiToken(demo.services, demo.actor("admin"), {
      name: "sdk-2",
      scopes: ["flags:evaluate"],
    });
    secret = replacement.secret;
    expect((await evaluate("/search.banner", {})).status).toBe(200);
  });

  it("limits each token with a token bucket and says when to retry", async () => {
    const limited = await startOfrepServer(demo.services, { rateLimit: { burst: 3, perMinute: 60 } });
    try {
      const call = () =>
        fetch(`${limited.url}/ofrep/v1/evaluate/flags/search.banner`, {
          method: "POST",
          headers: { Authorization: `Bearer ${secret}` },
          body: "{}",
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await call());
      expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(statuses[3]?.headers.get("retry-after")).toBe("1");
    } finally {
      await limited.close();
    }
  });
  it("refuses an address that keeps presenting made-up tokens, whatever token it makes up next", async () => {
    const guard = new UnknownTokenGuard({ burst: 2, perMinute: 1 });
    const guarded = await startOfrepServer(demo.services, { unknownTokens: guard });
    try {
      const call = (token: string) =>
        fetch(`${guarded.url}/ofrep/v1/evaluate/flags/search.banner`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}` },
          body: "{}",
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(`slc_made-up-${i}`)).status);
      expect(statuses).toEqual([401, 401, 429, 429]);
      // The address is refused before any lookup, its real token too, until the budget refills.
      expect((await call(secret)).status).toBe(429);
    } finally {
      await guarded.close();
    }
  });
});
