import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceContext } from "../services/context";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { startTestApi, type TestApi } from "./api-test-client";
import { newRollout, plan } from "./api-test-rollouts";

/** Bounded and seeded: the same few hundred requests every run, so a failure reproduces. */
const RUNS = { seed: 20261127, numRuns: 60 } as const;

type Json = unknown;

/** A value of a different JSON type than `original`, so the field can no longer be valid. */
const wrongTypeFor = (original: Json) =>
  fc
    .oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 20 }),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    )
    .filter((value) => jsonType(value) !== jsonType(original));

function jsonType(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Every path to a leaf or container inside a JSON value, e.g. ["steps", 0, "holdSeconds"]. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const children =
    value !== null && typeof value === "object"
      ? Object.entries(value).map(([k, v]) => [Array.isArray(value) ? Number(k) : k, v] as const)
      : [];
  return [...(prefix.length ? [prefix] : []), ...children.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function replaceAt(value: Json, path: (string | number)[], replacement: Json): Json {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    Json
  >;
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

describe("/api/v1 against malformed and mistyped input", () => {
  let demo: DemoFixture;
  const clock = new Date("2026-11-27T10:00:00Z");
  let ctx: ServiceContext;
  let api: TestApi;
  let token: string;
  let rolloutId: string;
  const validBodies: Record<string, () => Json> = {};

  const stored = async () => {
    const db = demo.database.db;
    return [
      await db.release.count(),
      await db.rollout.count(),
      await db.auditEvent.count(),
      await db.metricSample.count(),
      await db.incident.count(),
      await db.idempotencyKey.count(),
    ];
  };

  beforeAll(async () => {
    demo = await createDemoFixture(clock);
    ctx = { ...demo.services, now: () => clock };
    api = await startTestApi(ctx);
    token = await api.token(["read", "rollouts:write", "metrics:write", "incidents:write"]);
    rolloutId = await newRollout(api, token, "fuzzed");
    const release = { service: "fuzzed", environment: "production", version: "1.0.0" };
    Object.assign(validBodies, {
      "/api/v1/deploys": () => ({ ...release, version: "2.0.0", artifact: "registry.local/fuzzed:2" }),
      "/api/v1/rollouts": () => ({ ...release, mechanism: "canary", steps: plan([1, 50]), tags: ["a"] }),
      [`/api/v1/rollouts/${rolloutId}/pause`]: () => ({
        reason: "fuzz",
        expectedVersion: 0,
        idempotencyKey: "k",
      }),
      "/api/v1/kill": () => ({ service: "fuzzed", reason: "fuzz", idempotencyKey: "k" }),
      "/api/v1/incidents": () => ({
        id: "F-1",
        title: "t",
        severity: "sev2",
        services: ["fuzzed"],
        status: "active",
      }),
      "/api/v1/metrics": () => ({
        samples: [
          {
            rolloutId,
            cohort: "canary",
            intervalEnd: 1_800_000_000_000,
            intervalSeconds: 10,
            requests: 10,
            errors: 1,
            latency: { bounds: [100, 200], counts: [5, 5, 0] },
            conversions: { successes: 1, trials: 2 },
          },
        ],
      }),
    });
  });
  afterAll(async () => {
    await api.close();
    await demo.database.drop();
  });

  const routes = () => Object.keys(validBodies);

  it("answers malformed JSON with 400 naming the body, and stores nothing", async () => {
    const before = await stored();
    const malformed = fc.oneof(
      fc.string({ minLength: 1, maxLength: 60 }).filter((text) => !isJson(text)),
      fc
        .tuple(fc.constantFrom(...routes()), fc.nat())
        .map(([route, cut]) => {
          const text = JSON.stringify(validBodies[route]?.());
          return text.slice(0, 1 + (cut % (text.length - 1)));
        })
        .filter((text) => !isJson(text)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes()), malformed, async (route, text) => {
        const response = await api.request("POST", route, { token, body: text });
        expect(response.status, `${route} ${text}`).toBe(400);
        expect(response.json).toMatchObject({ code: "BAD_INPUT", field: "body" });
      }),
      RUNS,
    );
    expect(await stored()).toEqual(before);
  });

  it("answers a field of the wrong type with 400 naming that field, and stores nothing", async () => {
    const before = await stored();
    const mutation = fc.constantFrom(...routes()).chain((route) => {
      const valid = validBodies[route]?.();
      return (
        fc
          .constantFrom(...paths(valid))
          .chain((path) =>
            fc.tuple(fc.constant(route), fc.constant(path), wrongTypeFor(pathValue(valid, path))),
          )
          // conversions may be null: that one replacement is still valid.
          .filter(([, path, value]) => !(path.at(-1) === "conversions" && value === null))
          .map(([r, path, value]) => ({ route: r, path, body: replaceAt(valid, path, value) }))
      );
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ route, path, body }) => {
        const response = await api.request("POST", route, { token, body });
        expect(response.status, `${route} ${JSON.stringify(body)}`).toBe(400);
        const field = (response.json as { field?: string }).field ?? "";
        // The named field is the mutated one or inside it (a wrong-typed object names its first bad key).
        expect(field.startsWith(String(path[0])), `${field} for ${path.join(".")}`).toBe(true);
      }),
      { ...RUNS, numRuns: 150 },
    );
    expect(await stored()).toEqual(before);
  });

  it("never answers 500 to well-typed extreme values, and stores nothing when it refuses", async () => {
    const extremeNumber = fc.oneof(
      fc.constantFrom(0, -0, -1, 0.5, 1e-300, 2 ** 31, 2 ** 53, 1e308, -1e308),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const extremeString = fc.oneof(
      fc.constantFrom("", " ", "\u0000", "a\u0000b", "\ud800", "x".repeat(5000), "*", "../..", "%00"),
      fc.string({ unit: "grapheme", maxLength: 30 }),
    );
    const mutation = fc.constantFrom(...routes()).chain((route) => {
      const valid = validBodies[route]?.();
      const leaves = paths(valid).filter((path) => {
        const leaf = pathValue(valid, path);
        return typeof leaf === "number" || typeof leaf === "string";
      });
      return fc.constantFrom(...leaves).chain((path) =>
        (typeof pathValue(valid, path) === "number" ? extremeNumber : extremeString).map((value) => ({
          route,
          body: replaceAt(valid, path, value),
        })),
      );
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ route, body }) => {
        const before = await stored();
        const response = await api.request("POST", route, { token, body });
        expect(
          response.status,
          `${route} ${JSON.stringify(body).slice(0, 300)} → ${response.text}`,
        ).toBeLessThan(500);
        if (response.status >= 400) expect(await stored()).toEqual(before);
      }),
      { ...RUNS, numRuns: 120 },
    );
  });

  it("never answers 500 to arbitrary JSON bodies or path segments", async () => {
    const before = await stored();
    await fc.assert(
      fc.asyncProperty(
        // Not the pause route: an empty object is a valid pause.
        fc.constantFrom(...routes().filter((route) => !route.endsWith("/pause"))),
        fc.jsonValue({ maxDepth: 3 }),
        fc.string({ maxLength: 80 }),
        async (route, body, segment) => {
          const posted = await api.request("POST", route, { token, body: JSON.stringify(body) });
          expect(posted.status, `${route} ${JSON.stringify(body)}`).toBe(400);
          const id = encodeURIComponent(segment);
          for (const path of [`/api/v1/rollouts/${id}`, `/api/v1/exposure/${id}`]) {
            const got = await api.request("GET", path, { token });
            expect([200, 400, 404], `${path} → ${got.text}`).toContain(got.status);
          }
          const advanced = await api.request("POST", `/api/v1/rollouts/${id}/advance`, { token });
          expect([400, 404], `advance ${id} → ${advanced.text}`).toContain(advanced.status);
        },
      ),
      RUNS,
    );
    expect(await stored()).toEqual(before);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return text.trim() !== "";
  } catch {
    return false;
  }
}

function pathValue(value: Json, path: (string | number)[]): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], value);
}
