import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import type { ServiceContext } from "../services/context";
import { EventBus } from "../services/events/event-bus";
import { revokeApiToken } from "../services/tokens/revoke-api-token";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { freePort } from "../testing/free-port";
import { createApiHandler } from "./api-handler";
import { API_ROUTES } from "./api-routes";
import { startTestApi, type TestApi } from "./api-test-client";

describe("/api/v1 authentication, scopes and error format", () => {
  let demo: DemoFixture;
  let clock = new Date("2026-11-27T10:00:00Z");
  let ctx: ServiceContext;
  let api: TestApi;

  beforeAll(async () => {
    demo = await createDemoFixture(clock);
    ctx = { ...demo.services, now: () => clock };
    api = await startTestApi(ctx);
  });
  afterAll(async () => {
    await api.close();
    await demo.database.drop();
  });

  it("answers 401 without a token, with a malformed one or an unknown one", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: "Basic eDp5" },
      { Authorization: "Bearer slc_nope" },
    ];
    for (const headers of attempts) {
      const response = await api.request("GET", "/api/v1/rollouts", { headers });
      expect(response.status).toBe(401);
      expect(response.json).toEqual({ code: "UNAUTHORIZED", message: expect.any(String) });
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="sluice"');
    }
  });

  it("stops a revoked token on its very next request", async () => {
    const token = await api.token(["read"], { name: "soon revoked" });
    expect((await api.request("GET", "/api/v1/rollouts", { token })).status).toBe(200);
    const { id } = await demo.database.db.apiToken.findFirstOrThrow({ where: { name: "soon revoked" } });
    await revokeApiToken(ctx, demo.actor("admin"), id);
    expect((await api.request("GET", "/api/v1/rollouts", { token })).status).toBe(401);
  });

  it("stops an expired token", async () => {
    const token = await api.token(["read"], { expiresAt: new Date(clock.getTime() + 1000) });
    expect((await api.request("GET", "/api/v1/rollouts", { token })).status).toBe(200);
    clock = new Date(clock.getTime() + 1000);
    expect((await api.request("GET", "/api/v1/rollouts", { token })).status).toBe(401);
  });

  it("answers 403 naming the missing scope, before reading the body", async () => {
    const reader = await api.token(["read"]);
    const response = await api.request("POST", "/api/v1/deploys", { token: reader, body: "{not json" });
    expect(response.status).toBe(403);
    expect(response.json).toEqual({
      code: "FORBIDDEN",
      message: "This token lacks the scope rollouts:write",
    });
    const metricsOnly = await api.request("GET", "/api/v1/exposure/search", {
      token: await api.token(["metrics:write"]),
    });
    expect(metricsOnly.json).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("read or flags:evaluate"),
    });
    const sdk = await api.request("GET", "/api/v1/exposure/search", {
      token: await api.token(["flags:evaluate"]),
    });
    expect(sdk.status).toBe(200);
  });

  it("answers unknown routes 404 and wrong methods 405, as JSON", async () => {
    const token = await api.token(["read"]);
    expect(await api.request("GET", "/api/v1/nope", { token })).toMatchObject({
      status: 404,
      json: { code: "NOT_FOUND" },
    });
    const wrongMethod = await api.request("DELETE", "/api/v1/rollouts", { token });
    expect(wrongMethod).toMatchObject({ status: 405, json: { code: "METHOD_NOT_ALLOWED" } });
    expect(wrongMethod.headers.get("allow")).toBe("POST, GET");
    // Outside /api/v1 Next answers, not the API.
    expect((await api.request("GET", "/api/v10/rollouts")).text).toBe("next");
  });

  it("names the body on invalid JSON and refuses an oversized body with 413", async () => {
    const token = await api.token(["rollouts:write"]);
    const invalid = await api.request("POST", "/api/v1/deploys", { token, body: '{"service": "a",' });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ code: "BAD_INPUT", field: "body" });
    const huge = await api.request("POST", "/api/v1/deploys", {
      token,
      body: JSON.stringify({ service: "x".repeat(1024 * 1024 + 10) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ code: "PAYLOAD_TOO_LARGE", field: "body" });
    const streamed = await postChunked(`${api.url}/api/v1/deploys`, token, 2 * 1024 * 1024);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.text)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });

  it("serves an OpenAPI 3.1 document without a token, listing every route with its scope", async () => {
    const response = await api.request("GET", "/api/v1/openapi.json");
    expect(response.status).toBe(200);
    const doc = response.json as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { "x-scopes"?: string[]; requestBody?: unknown; responses: object }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    for (const route of API_ROUTES) {
      const operation = doc.paths[`/api/v1${route.path}`]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation?.["x-scopes"]).toEqual(route.scopes);
      expect(Boolean(operation?.requestBody)).toBe(Boolean(route.body));
      expect(operation?.responses).toHaveProperty("401");
      expect(operation?.responses).toHaveProperty("429");
      if (route.method === "POST") expect(operation?.responses, route.path).toHaveProperty("409");
    }
    const expected = [
      "post /deploys",
      "post /rollouts",
      "get /rollouts",
      "get /rollouts/{id}",
      ...["start", "advance", "approve", "pause", "resume", "abort", "kill"].map(
        (c) => `post /rollouts/{id}/${c}`,
      ),
      "post /kill",
      "post /incidents",
      "get /freezes",
      "post /metrics",
      "post /service-metrics",
      "get /exposure/{service}",
      "post /rollouts/{id}/schema-phase",
      "get /audit",
      "get /audit/verify",
      "get /audit/export",
      ...["confirm-rollout", "confirm-traffic-increase", "confirm-promotion", "rollback", "event"].map(
        (hook) => `post /flagger/${hook}`,
      ),
      "get /analysis/{service}",
      "get /openapi.json",
    ];
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path.slice("/api/v1".length)}`),
    );
    expect(listed.sort()).toEqual(expected.sort());
    expect(doc.components.schemas.Error).toMatchObject({ type: "object", required: ["code", "message"] });
    const create = doc.paths["/api/v1/rollouts"]?.post?.requestBody as {
      content: { "application/json": { schema: { properties: Record<string, unknown> } } };
    };
    expect(create.content["application/json"].schema.properties).toHaveProperty("steps");
    // Flagger's "hold" is a 403 like a token without the scope; the document names both.
    const hold = doc.paths["/api/v1/flagger/confirm-rollout"]?.post?.responses as Record<
      string,
      { description: string }
    >;
    expect(hold["403"]?.description).toBe("No: hold (for rollback: do not roll back); or FORBIDDEN");
  });
});

describe("/api/v1 failures of its own", () => {
  it("answers 503 UNAVAILABLE when the database cannot be reached", async () => {
    const db = createDb(`postgresql://nobody:x@127.0.0.1:${await freePort()}/none`);
    const lines: string[] = [];
    const services: ServiceContext = { db, events: new EventBus(), now: () => new Date() };
    const api = await startTestApi(services, createApiHandler(services, { log: (l) => lines.push(l) }));
    try {
      const response = await api.request("GET", "/api/v1/rollouts", {
        headers: { Authorization: "Bearer slc_x" },
      });
      expect(response.status).toBe(503);
      expect(response.json).toEqual({
        code: "UNAVAILABLE",
        message: "The database is unavailable; retry later",
      });
      expect(lines).toHaveLength(1);
    } finally {
      await api.close();
      await db.$disconnect();
    }
  });

  it("answers an unexpected failure with a generic 500 and logs the detail", async () => {
    const demo = await createDemoFixture();
    const lines: string[] = [];
    const failingDb = new Proxy(demo.database.db, {
      get(target, property, receiver) {
        if (property === "rollout") {
          return {
            findMany: () => Promise.reject(new Error('relation "rollout" exploded: SELECT * FROM "Rollout"')),
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
    const services = { ...demo.services, db: failingDb };
    const api = await startTestApi(services, createApiHandler(services, { log: (l) => lines.push(l) }));
    try {
      const token = await api.token(["read"]);
      const response = await api.request("GET", "/api/v1/rollouts", { token });
      expect(response.status).toBe(500);
      expect(response.json).toEqual({ code: "INTERNAL", message: "Internal error" });
      expect(response.text).not.toContain("SELECT");
      expect(lines.join("\n")).toContain("exploded");
    } finally {
      await api.close();
      await demo.database.drop();
    }
  });
});

/** A body sent in chunks without Content-Length, so only counting the bytes can catch its size. */
function postChunked(url: string, token: string, bytes: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // The server may close the connection while we are still writing; the response is what counts.
    req.on("error", (error) => (req.writableEnded ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const write = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}
