import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../services/actors";
import { recordAuditEvent } from "../services/audit/record-audit-event";
import { declareIncident } from "../services/incidents/declare-incident";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { startTestApi, type TestApi } from "./api-test-client";
import { newRollout } from "./api-test-rollouts";

type RolloutPage = { rollouts: { id: string; service: string; state: string }[]; nextCursor: string | null };
type AuditPage = { events: { id: string; action: string }[]; nextCursor: string | null };

describe("/api/v1 lists a page at a time", () => {
  let demo: DemoFixture;
  let api: TestApi;
  let writer: string;
  let reader: string;
  const db = () => demo.database.db;
  const get = (path: string, token = reader) => api.request("GET", `/api/v1${path}`, { token });

  /** Follows nextCursor from the first page (or the page after `from`) to the last. */
  async function everyPage<P extends { nextCursor: string | null }>(
    path: string,
    from: string | null = null,
  ): Promise<P[]> {
    const pages: P[] = [];
    let cursor = from;
    do {
      const separator = path.includes("?") ? "&" : "?";
      const response = await get(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
      expect(response.status, response.text).toBe(200);
      pages.push(response.json as P);
      cursor = (response.json as P).nextCursor;
    } while (cursor);
    return pages;
  }

  beforeAll(async () => {
    demo = await createDemoFixture();
    api = await startTestApi(demo.services);
    writer = await api.token(["rollouts:write", "read"]);
    reader = await api.token(["read"]);
    for (const service of ["alpha", "alpha", "alpha", "beta", "beta"]) await newRollout(api, writer, service);
    // Three rollouts created in the same millisecond (a minute ago, so rollouts created later are newer):
    // a page boundary among them must still neither skip nor repeat one.
    const tied = await db().rollout.findMany({ where: { service: { name: "alpha" } }, select: { id: true } });
    await db().rollout.updateMany({
      where: { id: { in: tied.map((r) => r.id) } },
      data: { createdAt: new Date(Date.now() - 60_000) },
    });
  });
  afterAll(async () => {
    await api.close();
    await demo.database.drop();
  });

  it("pages every rollout newest first, without a repeat or a gap, ties included", async () => {
    const stored = await db().rollout.findMany({
      select: { id: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    const pages = await everyPage<RolloutPage>("/rollouts?limit=2");
    expect(pages.map((p) => p.rollouts.length)).toEqual(
      Array.from({ length: Math.ceil(stored.length / 2) }, (_, i) => Math.min(2, stored.length - 2 * i)),
    );
    expect(pages.flatMap((p) => p.rollouts.map((r) => r.id))).toEqual(stored.map((r) => r.id));

    const [first] = await everyPage<RolloutPage>("/rollouts");
    expect(first?.rollouts).toHaveLength(stored.length);
    expect(first?.nextCursor).toBeNull();
  });

  it("does not repeat or shift a page when a rollout is created while a client pages", async () => {
    const firstPage = (await get("/rollouts?limit=3")).json as RolloutPage;
    const created = await newRollout(api, writer, "gamma");
    const rest = await everyPage<RolloutPage>("/rollouts?limit=3", firstPage.nextCursor);
    const seen = [...firstPage.rollouts, ...rest.flatMap((p) => p.rollouts)].map((r) => r.id);
    expect(seen).not.toContain(created);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await db().rollout.count()) - 1);
  });

  it("filters by service, environment and states", async () => {
    const alpha = (await get("/rollouts?service=alpha")).json as RolloutPage;
    expect(alpha.rollouts.map((r) => r.service)).toEqual(["alpha", "alpha", "alpha"]);

    const started = alpha.rollouts[0]?.id ?? "";
    expect(
      (await api.request("POST", `/api/v1/rollouts/${started}/start`, { token: writer, body: {} })).status,
    ).toBe(200);
    const running = await db().rollout.findMany({
      where: { state: { in: ["running", "paused"] } },
      select: { id: true },
    });
    const inProgress = (await get("/rollouts?state=running,paused")).json as RolloutPage;
    expect(inProgress.rollouts.map((r) => r.id).sort()).toEqual(running.map((r) => r.id).sort());
    expect(inProgress.rollouts.map((r) => r.id)).toContain(started);

    const drafts = (await get("/rollouts?service=alpha&state=draft")).json as RolloutPage;
    expect(drafts.rollouts.map((r) => r.id).sort()).toEqual(
      alpha.rollouts
        .map((r) => r.id)
        .filter((id) => id !== started)
        .sort(),
    );
    const staging = (await get("/rollouts?environment=staging")).json as RolloutPage;
    expect(staging.rollouts).toEqual([]);
    const production = (await get("/rollouts?environment=production&limit=500")).json as RolloutPage;
    expect(production.rollouts.length).toBe(
      await db().rollout.count({ where: { release: { environment: "production" } } }),
    );
  });

  it("refuses a bad query naming the parameter", async () => {
    const cases: [string, number, string, RegExp][] = [
      ["/rollouts?limit=0", 400, "limit", /limit:/],
      ["/rollouts?limit=501", 400, "limit", /limit:/],
      ["/rollouts?limit=ten", 400, "limit", /limit: must be a whole number/],
      ["/rollouts?limit=", 400, "limit", /limit: must be a whole number/],
      ["/rollouts?limit=1e2", 400, "limit", /limit: must be a whole number/],
      ["/rollouts?state=", 400, "state", /"" is not one of/],
      ["/rollouts?state=running,exploded", 400, "state", /"exploded" is not one of draft, running/],
      ["/rollouts?servce=alpha", 400, "servce", /unknown field/],
      ["/rollouts?limit=1&limit=2", 400, "limit", /give it once/],
      ["/rollouts?cursor=not-a-cursor", 400, "cursor", /nextCursor of the previous page/],
      [
        `/rollouts?cursor=${Buffer.from("9999999999999999:abc").toString("base64url")}`,
        400,
        "cursor",
        /nextCursor/,
      ],
      ["/rollouts?service=nowhere", 404, "service", /No service named nowhere/],
      ["/audit?cursor=abc", 400, "cursor", /must be an event id/],
      ["/audit?cursor=9223372036854775808", 400, "cursor", /must be an event id/],
      ["/audit?from=1", 400, "from", /must be an ISO 8601 date or date-time/],
      ["/audit?to=275760-09-13", 400, "to", /must be an ISO 8601 date or date-time/],
      ["/audit?from=2026-11-27T10:00", 400, "from", /with an offset/],
      ["/audit?service=", 400, "service", /must not be empty/],
      ["/audit?rolloutId=%00", 400, "rolloutId", /without NUL characters/],
      ["/audit?from=2026-11-29&to=2026-11-28", 400, "to", /must not be before from/],
      ["/audit?service=nowhere", 404, "service", /No service named nowhere/],
      ["/audit/export?actr=alice", 400, "actr", /unknown field/],
    ];
    for (const [path, status, field, message] of cases) {
      const response = await get(
        path,
        path.startsWith("/audit/export") ? await api.token(["audit:export"]) : reader,
      );
      expect(response.status, path).toBe(status);
      expect(response.json, path).toMatchObject({ field, message: expect.stringMatching(message) });
    }
  });

  it("pages the audit history by cursor, filtered, and exports a filtered range", async () => {
    const stored = await db().auditEvent.findMany({ select: { id: true }, orderBy: { id: "desc" } });
    expect(stored.length).toBeGreaterThan(5);
    const pages = await everyPage<AuditPage>("/audit?limit=5");
    expect(pages.flatMap((p) => p.events.map((e) => e.id))).toEqual(stored.map((e) => e.id.toString()));

    const created = (await get("/audit?action=rollout.created&limit=200")).json as AuditPage;
    expect(created.events.length).toBe(await db().auditEvent.count({ where: { action: "rollout.created" } }));
    expect(created.events.every((e) => e.action === "rollout.created")).toBe(true);

    const exporter = await api.token(["audit:export"]);
    const exported = await get("/audit/export?action=rollout.&actor=token", exporter);
    expect(exported.status, exported.text).toBe(200);
    const document = exported.json as { filter: object; events: { action: string; actor: string }[] };
    expect(document.filter).toEqual({ action: "rollout.", actor: "token" });
    const expected = await db().auditEvent.count({
      where: { action: { startsWith: "rollout." }, actor: { contains: "token", mode: "insensitive" } },
    });
    expect(document.events.length).toBe(expected);
    expect(expected).toBeGreaterThan(0);
  });

  it("hides emails and client addresses from tokens that may not export the history", async () => {
    await db().$transaction((tx) =>
      recordAuditEvent(tx, {
        actor: systemActor("sign-in"),
        action: "auth.sign-in-failed",
        targetType: "user",
        targetId: "email:someone@corp.example",
        reason: "wrong credentials for someone@corp.example",
        after: { address: "10.0.0.8", email: "someone@corp.example" },
        at: demo.services.now(),
      }),
    );
    const failedSignIn = async (token: string) => {
      const response = await get("/audit?action=auth.sign-in-failed&limit=1", token);
      expect(response.status, response.text).toBe(200);
      return (response.json as AuditPage).events[0];
    };
    expect(await failedSignIn(reader)).toMatchObject({
      targetId: "email:(hidden)",
      reason: "wrong credentials for (hidden)",
      after: { address: "(hidden)", email: "(hidden)" },
    });
    expect(await failedSignIn(await api.token(["read", "audit:export"]))).toMatchObject({
      targetId: "email:someone@corp.example",
      reason: "wrong credentials for someone@corp.example",
      after: { address: "10.0.0.8", email: "someone@corp.example" },
    });
  });

  it("refuses a token that may not export a filter on an email, and hides one in who declared an incident", async () => {
    const exporter = await api.token(["read", "audit:export"]);
    expect(await get("/audit?actor=someone%40corp&limit=1", reader)).toMatchObject({
      status: 403,
      json: { field: "actor" },
    });
    expect(await get("/audit?targetId=email%3Asomeone%40corp.example&limit=1", reader)).toMatchObject({
      status: 403,
      json: { field: "targetId" },
    });
    expect((await get("/audit?actor=someone%40corp&limit=1", exporter)).status).toBe(200);

    const named = { ...demo.actor("operator"), name: "olga@corp.example" };
    await declareIncident(demo.services, named, {
      title: "disk full",
      severity: "sev3",
      services: ["search"],
    });
    const declaredBy = async (token: string) =>
      (
        (await get("/freezes", token)).json as { incidents: { title: string; declaredBy: string }[] }
      ).incidents.find((i) => i.title === "disk full")?.declaredBy;
    expect(await declaredBy(reader)).toBe("(hidden)");
    expect(await declaredBy(exporter)).toBe("olga@corp.example");
  });

  it("reads a bare date as that whole day in UTC: from=D&to=D is the day", async () => {
    const newest = await db().auditEvent.findFirstOrThrow({ orderBy: { id: "desc" }, select: { at: true } });
    const day = newest.at.toISOString().slice(0, 10);
    const response = await get(`/audit?from=${day}&to=${day}&limit=200`);
    expect(response.status, response.text).toBe(200);
    const expected = await db().auditEvent.count({
      where: {
        at: { gte: new Date(`${day}T00:00:00Z`), lt: new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000) },
      },
    });
    expect(expected).toBeGreaterThan(0);
    expect((response.json as AuditPage).events).toHaveLength(Math.min(expected, 200));
  });

  it("leaves the query string of a route without query parameters alone", async () => {
    const exposure = await get("/exposure/checkout-api?t=1&t=2");
    expect(exposure.status, exposure.text).toBe(200);
  });

  it("documents each query parameter in the OpenAPI document", async () => {
    const doc = (await api.request("GET", "/api/v1/openapi.json")).json as {
      paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>>;
    };
    const queryOf = (path: string) =>
      doc.paths[`/api/v1${path}`]?.get?.parameters.filter((p) => p.in === "query").map((p) => p.name);
    expect(queryOf("/rollouts")).toEqual(["service", "environment", "state", "limit", "cursor"]);
    expect(queryOf("/audit")).toEqual(
      expect.arrayContaining(["service", "action", "from", "to", "limit", "cursor"]),
    );
    expect(queryOf("/audit/export")).not.toContain("cursor");
  });
});
