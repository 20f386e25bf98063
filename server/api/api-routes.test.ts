import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceContext } from "../services/context";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { startTestApi, type TestApi } from "./api-test-client";
import { newRollout, passCurrentStep, plan } from "./api-test-rollouts";

type Outcome = {
  rollout: { state: string; phase: string | null; exposurePercent: number; version: number };
  repeated: boolean;
};

describe("/api/v1 routes", () => {
  let demo: DemoFixture;
  let clock = new Date("2026-11-27T10:00:00Z");
  let ctx: ServiceContext;
  let api: TestApi;
  let writer: string;
  let reader: string;
  const db = () => demo.database.db;
  const setNow = (now: Date) => {
    clock = now;
  };
  const command = (id: string, type: string, body: object = {}, headers: Record<string, string> = {}) =>
    api.request("POST", `/api/v1/rollouts/${id}/${type}`, { token: writer, body, headers });
  const stored = async () => ({
    releases: await db().release.count(),
    rollouts: await db().rollout.count(),
    audit: await db().auditEvent.count(),
    samples: await db().metricSample.count(),
    incidents: await db().incident.count(),
  });

  beforeAll(async () => {
    demo = await createDemoFixture(clock);
    ctx = { ...demo.services, now: () => clock };
    api = await startTestApi(ctx);
    writer = await api.token(["rollouts:write", "read"]);
    reader = await api.token(["read"]);
  });
  afterAll(async () => {
    await api.close();
    await demo.database.drop();
  });

  it("registers a deploy once and exposes nothing", async () => {
    const body = {
      service: "ledger",
      environment: "production",
      version: "9.0.0",
      artifact: "registry.local/ledger:9",
    };
    const first = await api.request("POST", "/api/v1/deploys", { token: writer, body });
    const again = await api.request("POST", "/api/v1/deploys", { token: writer, body });
    expect(first).toMatchObject({ status: 201, json: { ...body, created: true } });
    expect(again).toMatchObject({ status: 200, json: { ...body, created: false } });
    expect((again.json as { id: string }).id).toBe((first.json as { id: string }).id);
    expect(await db().auditEvent.count({ where: { action: "release.deployed" } })).toBe(1);
    const before = await stored();
    const rebuilt = await api.request("POST", "/api/v1/deploys", {
      token: writer,
      body: { ...body, artifact: "registry.local/ledger:9-rebuilt" },
    });
    expect(rebuilt).toMatchObject({
      status: 409,
      json: {
        code: "CONFLICT",
        field: "artifact",
        message: "artifact: ledger 9.0.0 in production is already registered as registry.local/ledger:9",
      },
    });
    expect(await stored()).toEqual(before);
    expect(
      await db().release.findUniqueOrThrow({ where: { id: (first.json as { id: string }).id } }),
    ).toMatchObject({
      artifact: "registry.local/ledger:9",
    });
    const exposure = await api.request("GET", "/api/v1/exposure/ledger", { token: reader });
    expect(exposure).toMatchObject({ status: 200, json: { service: "ledger", rollouts: [] } });
  });

  it("creates, lists and reads rollouts", async () => {
    const id = await newRollout(api, writer, "catalog");
    const list = await api.request("GET", "/api/v1/rollouts", { token: reader });
    expect((list.json as { rollouts: { id: string }[] }).rollouts.map((r) => r.id)).toContain(id);
    const one = await api.request("GET", `/api/v1/rollouts/${id}`, { token: reader });
    expect(one).toMatchObject({
      status: 200,
      json: { id, service: "catalog", release: "1.0.0", state: "draft", exposurePercent: 0, version: 0 },
    });
    expect(await api.request("GET", "/api/v1/rollouts/missing", { token: reader })).toMatchObject({
      status: 404,
      json: { code: "NOT_FOUND", message: "No rollout with id missing", field: "id" },
    });
    const undeployed = await api.request("POST", "/api/v1/rollouts", {
      token: writer,
      body: { service: "catalog", environment: "production", version: "2.0.0", mechanism: "canary" },
    });
    expect(undeployed).toMatchObject({ status: 404, json: { code: "NOT_FOUND", field: "version" } });
  });

  it("refuses a bad plan naming the step and field, storing nothing", async () => {
    await newRollout(api, writer, "orders");
    const before = await stored();
    const steps = plan([1, 5, 25]);
    const base = { service: "orders", environment: "production", version: "1.0.0", mechanism: "canary" };
    const zeroHold = await api.request("POST", "/api/v1/rollouts", {
      token: writer,
      body: { ...base, steps: steps.map((s, i) => (i === 2 ? { ...s, holdSeconds: 0 } : s)) },
    });
    expect(zeroHold.status).toBe(400);
    expect(zeroHold.json).toMatchObject({
      code: "BAD_INPUT",
      field: "steps[2].holdSeconds",
      message: expect.stringContaining("steps[2].holdSeconds: every step needs an explicit hold"),
    });
    const wrongType = await api.request("POST", "/api/v1/rollouts", {
      token: writer,
      body: { ...base, steps: steps.map((s, i) => (i === 2 ? { ...s, holdSeconds: "600" } : s)) },
    });
    expect(wrongType.json).toMatchObject({ code: "BAD_INPUT", field: "steps[2].holdSeconds" });
    const typo = await api.request("POST", "/api/v1/rollouts", {
      token: writer,
      body: { ...base, tag: ["x"] },
    });
    expect(typo.json).toMatchObject({ code: "BAD_INPUT", field: "tag", message: "tag: unknown field" });
    const [gate] = steps[0]?.gates ?? [];
    const negativeMargin = await api.request("POST", "/api/v1/rollouts", {
      token: writer,
      body: { ...base, steps: steps.map((s) => ({ ...s, gates: [{ ...gate, minSamples: -1 }] })) },
    });
    expect(negativeMargin.json).toMatchObject({ code: "BAD_INPUT", field: "steps[0].gates[0].minSamples" });
    const twice = await api.request("POST", "/api/v1/rollouts", {
      token: writer,
      body: { ...base, steps: steps.map((s, i) => (i === 1 ? { ...s, gates: [gate, gate] } : s)) },
    });
    expect(twice).toMatchObject({
      status: 400,
      json: {
        code: "BAD_INPUT",
        field: "steps[1].gates[1].name",
        message: `steps[1].gates[1].name: ${gate?.name} is named twice`,
      },
    });
    expect(await stored()).toEqual(before);
  });

  it("gives a step that names no gates the gate defaults", async () => {
    const release = { service: "orders", environment: "production", version: "2.0.0" };
    await api.request("POST", "/api/v1/deploys", {
      token: writer,
      body: { ...release, artifact: "registry.local/orders:2" },
    });
    const created = await api.request("POST", "/api/v1/rollouts", {
      token: writer,
      body: {
        ...release,
        mechanism: "canary",
        steps: [
          { exposurePercent: 10, holdSeconds: 60, requiresApproval: false },
          { exposurePercent: 50, holdSeconds: 60, requiresApproval: false, gates: [] },
          ...plan([100]),
        ],
      },
    });
    expect(created.status, created.text).toBe(201);
    const { steps } = await db().rollout.findUniqueOrThrow({
      where: { id: (created.json as { id: string }).id },
      select: { steps: true },
    });
    // Nothing stored by an admin here: the code's five gates.
    expect((steps as { gates: { name: string }[] }[]).map((s) => s.gates.length)).toEqual([5, 5, 5]);
  });

  it("runs every command, refusing illegal ones with the state machine's reason", async () => {
    const id = await newRollout(api, writer, "inventory", { steps: plan([1, 50, 100], [1]) });
    expect(await command(id, "start")).toMatchObject({
      status: 200,
      json: {
        rollout: { state: "running", phase: "holding", exposurePercent: 1, version: 1 },
        repeated: false,
      },
    });
    const early = await command(id, "advance");
    expect(early.status).toBe(412);
    expect(early.json).toEqual({
      code: "ILLEGAL_TRANSITION",
      field: "state",
      message: `advance is not allowed while rollout ${id} is running/holding: step 1 (1%) has not passed its hold and gates yet`,
    });
    await passCurrentStep(ctx, setNow, id);
    expect(await command(id, "advance")).toMatchObject({
      json: { rollout: { phase: "awaiting_approval", exposurePercent: 1 } },
    });
    expect(await command(id, "approve")).toMatchObject({
      status: 200,
      json: { rollout: { phase: "holding", exposurePercent: 50 } },
    });
    expect(await command(id, "pause", { reason: "looking" })).toMatchObject({
      json: { rollout: { state: "paused" } },
    });
    expect(await command(id, "resume", { expectedVersion: 0 })).toMatchObject({
      status: 409,
      json: { code: "CONFLICT", field: "version" },
    });
    expect(await command(id, "resume")).toMatchObject({ json: { rollout: { state: "running" } } });
    expect(await command(id, "kill")).toMatchObject({ status: 400, json: { field: "reason" } });
    expect(await command(id, "kill", { reason: "bad canary" })).toMatchObject({
      json: { rollout: { state: "rolled_back", exposurePercent: 1 } },
    });
    expect(await command(id, "start")).toMatchObject({ status: 412, json: { code: "ILLEGAL_TRANSITION" } });

    const other = await newRollout(api, writer, "inventory-worker");
    await command(other, "start");
    expect(await command(other, "abort", { reason: "wrong build" })).toMatchObject({
      json: { rollout: { state: "aborted", exposurePercent: 0 } },
    });
    expect((await api.request("GET", `/api/v1/rollouts/${other}`, { token: reader })).json).toMatchObject({
      state: "aborted",
    });
  });

  it("honours an Idempotency-Key header: a repeated kill has no second effect", async () => {
    const id = await newRollout(api, writer, "mailer");
    await command(id, "start");
    await passCurrentStep(ctx, setNow, id);
    await command(id, "advance");
    const key = { "Idempotency-Key": "page-1234" };
    const first = await command(id, "kill", { reason: "pager" }, key);
    const second = await command(id, "kill", { reason: "pager" }, key);
    expect(first.json).toMatchObject({
      rollout: { state: "rolled_back", exposurePercent: 1 },
      repeated: false,
    });
    expect(second.json).toMatchObject({
      rollout: { state: "rolled_back", exposurePercent: 1 },
      repeated: true,
    });
    expect(await db().auditEvent.count({ where: { targetId: id, action: "rollout.rolled-back" } })).toBe(1);
    const mismatch = await command(id, "kill", { reason: "pager", idempotencyKey: "other" }, key);
    expect(mismatch).toMatchObject({ status: 400, json: { field: "idempotencyKey" } });
  });

  it("refuses a reason on start, advance, approve and resume, where nothing would record it", async () => {
    const id = await newRollout(api, writer, "scheduler");
    for (const type of ["start", "advance", "approve", "resume"]) {
      const refused = await command(id, type, { reason: "CHG-1234 approved by CAB" });
      expect(refused, type).toMatchObject({ status: 400, json: { code: "BAD_INPUT", field: "reason" } });
    }
    expect((await api.request("GET", `/api/v1/rollouts/${id}`, { token: reader })).json).toMatchObject({
      state: "draft",
    });
  });

  it("refuses an Idempotency-Key reused for another request of the same command, except a kill", async () => {
    const id = await newRollout(api, writer, "notifier");
    await command(id, "start");
    const key = { "Idempotency-Key": "pipeline-77" };
    expect((await command(id, "pause", { reason: "first pause" }, key)).json).toMatchObject({
      rollout: { state: "paused" },
      repeated: false,
    });
    expect((await command(id, "pause", { reason: "first pause" }, key)).json).toMatchObject({
      repeated: true,
    });
    await command(id, "resume");
    // The same key on a new pause would answer "paused" from the first while the rollout runs.
    const reused = await command(id, "pause", { reason: "a different pause, later" }, key);
    expect(reused).toMatchObject({ status: 409, json: { code: "CONFLICT", field: "idempotencyKey" } });
    expect((await api.request("GET", `/api/v1/rollouts/${id}`, { token: reader })).json).toMatchObject({
      state: "running",
    });

    const killKey = { "Idempotency-Key": "page-77" };
    await command(id, "kill", { reason: "pager" }, killKey);
    const again = await command(id, "kill", { reason: "pager, second responder" }, killKey);
    expect(again).toMatchObject({ status: 200, json: { rollout: { state: "rolled_back" }, repeated: true } });
  });

  it("freezes a service on an incident: start and advance refused, pause and kill work, until resolved", async () => {
    const incidents = await api.token(["incidents:write"]);
    const ramping = await newRollout(api, writer, "billing");
    await command(ramping, "start");
    await passCurrentStep(ctx, setNow, ramping);
    const draft = await newRollout(api, writer, "billing-worker");
    const report = (status: "active" | "resolved") =>
      api.request("POST", "/api/v1/incidents", {
        token: incidents,
        body: {
          id: "INC-42",
          title: "Payments down",
          severity: "sev1",
          services: ["billing", "billing-worker"],
          status,
        },
      });
    expect(await report("active")).toMatchObject({
      status: 200,
      json: { externalId: "INC-42", active: true },
    });
    expect((await report("active")).status).toBe(200);
    expect(await db().auditEvent.count({ where: { action: "incident.declared" } })).toBe(1);

    const advance = await command(ramping, "advance");
    expect(advance).toMatchObject({ status: 423, json: { code: "FROZEN", field: "override" } });
    expect((advance.json as { message: string }).message).toContain("billing is frozen by incident");
    expect(await command(draft, "start")).toMatchObject({ status: 423, json: { code: "FROZEN" } });
    expect(await command(ramping, "pause")).toMatchObject({
      status: 200,
      json: { rollout: { state: "paused" } },
    });
    expect(await command(ramping, "resume")).toMatchObject({ status: 423 });
    expect(await command(ramping, "kill", { reason: "incident" })).toMatchObject({
      json: { rollout: { state: "rolled_back", exposurePercent: 1 } },
    });

    expect(await report("resolved")).toMatchObject({ status: 200, json: { active: false } });
    expect((await report("resolved")).status).toBe(200);
    expect(await db().auditEvent.count({ where: { action: "incident.resolved" } })).toBe(1);
    expect(await command(draft, "start")).toMatchObject({
      status: 200,
      json: { rollout: { state: "running" } },
    });
    const before = await stored();
    const unknown = await api.request("POST", "/api/v1/incidents", {
      token: incidents,
      body: { id: "INC-404", severity: "sev3", services: ["*"], status: "resolved" },
    });
    expect(unknown).toMatchObject({
      status: 404,
      json: { code: "NOT_FOUND", field: "id", message: "No incident INC-404" },
    });
    expect(await stored()).toEqual(before);
    expect((await command(draft, "pause", {}, {})).status).toBe(200);
  });

  it("updates an active incident on a repeat that widens it: the added services freeze too", async () => {
    const incidents = await api.token(["incidents:write"]);
    const draft = await newRollout(api, writer, "payments");
    const report = (body: object) =>
      api.request("POST", "/api/v1/incidents", {
        token: incidents,
        body: { id: "INC-1", status: "active", ...body },
      });
    const first = await report({ title: "slow", severity: "sev2", services: ["search"] });
    expect(first.status).toBe(200);
    const worse = await report({ title: "worse", severity: "sev1", services: ["search", "payments"] });
    expect(worse).toMatchObject({
      status: 200,
      json: {
        id: (first.json as { id: string }).id,
        title: "worse",
        severity: "sev1",
        services: ["search", "payments"],
        active: true,
      },
    });
    expect(await command(draft, "start")).toMatchObject({ status: 423, json: { code: "FROZEN" } });
    // A repeat without a title keeps the incident's own.
    const again = await report({ severity: "sev1", services: ["payments", "search"] });
    expect(again).toMatchObject({ status: 200, json: { title: "worse", services: ["search", "payments"] } });
    const actions = await db().auditEvent.findMany({
      where: { targetId: (first.json as { id: string }).id },
      select: { action: true },
    });
    expect(actions.map((a) => a.action)).toEqual(["incident.declared", "incident.updated"]);
    await report({ status: "resolved" });
  });

  it("lists the active freezes, and resolves an incident from its id alone", async () => {
    const incidents = await api.token(["incidents:write"]);
    const declared = await api.request("POST", "/api/v1/incidents", {
      token: incidents,
      body: { id: "INC-77", title: "Search slow", severity: "sev2", services: ["search"], status: "active" },
    });
    expect(declared.status).toBe(200);
    const frozen = await api.request("GET", "/api/v1/freezes", { token: reader });
    expect(frozen.status).toBe(200);
    const active = (frozen.json as { incidents: { externalId: string }[] }).incidents;
    expect(active).toContainEqual(
      expect.objectContaining({
        externalId: "INC-77",
        title: "Search slow",
        services: ["search"],
        active: true,
      }),
    );
    const missingSeverity = await api.request("POST", "/api/v1/incidents", {
      token: incidents,
      body: { id: "INC-78", services: ["search"], status: "active" },
    });
    expect(missingSeverity).toMatchObject({ status: 400, json: { field: "severity" } });
    const resolved = await api.request("POST", "/api/v1/incidents", {
      token: incidents,
      body: { id: "INC-77", status: "resolved" },
    });
    expect(resolved).toMatchObject({ status: 200, json: { externalId: "INC-77", active: false } });
    const after = await api.request("GET", "/api/v1/freezes", { token: reader });
    expect(
      (after.json as { incidents: { externalId: string }[] }).incidents.map((i) => i.externalId),
    ).not.toContain("INC-77");
    expect((await api.request("GET", "/api/v1/freezes", { token: incidents })).status).toBe(403);
  });

  it("serves exposure with an ETag, 304 while unchanged, and the change right after a command", async () => {
    const id = await newRollout(api, writer, "gateway");
    await command(id, "start");
    const first = await api.request("GET", "/api/v1/exposure/gateway", { token: reader });
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^".+"$/);
    expect(first.json).toMatchObject({
      service: "gateway",
      rollouts: [{ rolloutId: id, exposure: { mechanism: "canary", canaryWeight: 1, stableWeight: 99 } }],
    });
    const unchanged = await api.request("GET", "/api/v1/exposure/gateway", {
      token: reader,
      headers: { "If-None-Match": etag },
    });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe("");
    expect(unchanged.headers.get("etag")).toBe(etag);

    await passCurrentStep(ctx, setNow, id);
    await command(id, "advance");
    const changed = await api.request("GET", "/api/v1/exposure/gateway", {
      token: reader,
      headers: { "If-None-Match": etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(changed.json).toMatchObject({ rollouts: [{ exposure: { canaryWeight: 5 } }] });
    expect(await api.request("GET", "/api/v1/exposure/nowhere", { token: reader })).toMatchObject({
      status: 404,
    });
  });

  it("ingests a metrics batch once, and refuses a batch with one bad sample whole", async () => {
    const pusher = await api.token(["metrics:write"]);
    const id = await newRollout(api, writer, "search-api");
    const sample = (cohort: string, end: string, extra: object = {}) => ({
      rolloutId: id,
      cohort,
      intervalEnd: end,
      intervalSeconds: 10,
      requests: 10,
      errors: 1,
      latency: { bounds: [100, 200], counts: [5, 5, 0] },
      ...extra,
    });
    const batch = [sample("baseline", "2026-11-27T10:00:10Z"), sample("canary", "2026-11-27T10:00:10Z")];
    const push = (samples: object[]) =>
      api.request("POST", "/api/v1/metrics", { token: pusher, body: { samples } });
    expect(await push(batch)).toMatchObject({ status: 200, json: { stored: 2, duplicates: 0 } });
    expect(await push(batch)).toMatchObject({
      status: 200,
      json: { stored: 0, duplicates: 2, duplicateIndexes: [0, 1], conflicts: 0 },
    });

    const before = await stored();
    const later = "2026-11-27T10:00:20Z";
    const invalid = await push([sample("baseline", later), sample("canary", later, { errors: 11 })]);
    expect(invalid).toMatchObject({
      status: 400,
      json: {
        code: "BAD_INPUT",
        field: "samples[1].errors",
        message: "samples[1].errors: must not exceed requests",
      },
    });
    const wrongType = await push([sample("baseline", later), sample("canary", later, { requests: "10" })]);
    expect(wrongType).toMatchObject({ status: 400, json: { field: "samples[1].requests" } });
    const unknownRollout = await push([sample("canary", later, { rolloutId: "no-such-rollout" })]);
    expect(unknownRollout).toMatchObject({ status: 404, json: { code: "NOT_FOUND" } });
    expect(await stored()).toEqual(before);
  });

  it("answers a resend of stored samples with other values with a 200 naming each conflict, storing the rest", async () => {
    const pusher = await api.token(["metrics:write"]);
    const id = await newRollout(api, writer, "ledger");
    const sample = (cohort: string, end: string, extra: object = {}) => ({
      rolloutId: id,
      cohort,
      intervalEnd: end,
      intervalSeconds: 10,
      requests: 118,
      errors: 1,
      latency: { bounds: [100], counts: [100, 18] },
      ...extra,
    });
    const push = (samples: object[]) =>
      api.request("POST", "/api/v1/metrics", { token: pusher, body: { samples } });
    const end = "2026-11-27T10:00:30Z";
    expect(await push([sample("baseline", end), sample("canary", end)])).toMatchObject({ status: 200 });

    const later = "2026-11-27T10:00:40Z";
    const corrected = { requests: 120, latency: { bounds: [100], counts: [102, 18] } };
    const reply = await push([
      sample("baseline", end),
      sample("canary", end, corrected),
      sample("canary", later),
    ]);
    expect(reply).toMatchObject({
      status: 200,
      json: {
        stored: 1,
        storedIndexes: [2],
        duplicates: 1,
        duplicateIndexes: [0],
        conflicts: 1,
        conflictIndexes: [1],
        conflictDetails: [
          {
            index: 1,
            fields: ["requests", "latency.counts"],
            message:
              `samples[1]: interval ending 2026-11-27T10:00:30.000Z of canary (rollout ${id}) already stored ` +
              "with other values (sent ≠ stored: requests 120 ≠ 118, latency.counts [102,18] ≠ [100,18]); " +
              "the stored sample stands",
          },
        ],
      },
    });
    const canary = await db().metricSample.findMany({ where: { rolloutId: id, cohort: "canary" } });
    expect(canary.map((r) => [r.intervalEnd.toISOString(), r.requests]).sort()).toEqual([
      ["2026-11-27T10:00:30.000Z", 118],
      ["2026-11-27T10:00:40.000Z", 118],
    ]);
  });

  it("ingests a service's whole traffic for its SLOs, naming a bad field and an unknown service", async () => {
    const pusher = await api.token(["metrics:write"]);
    await newRollout(api, writer, "inventory");
    const sample = (end: string, extra: object = {}) => ({
      service: "inventory",
      environment: "production",
      intervalEnd: end,
      intervalSeconds: 30,
      requests: 200,
      errors: 3,
      latency: { bounds: [100], counts: [190, 10] },
      ...extra,
    });
    const push = (samples: object[]) =>
      api.request("POST", "/api/v1/service-metrics", { token: pusher, body: { samples } });
    const end = "2026-11-27T10:00:30Z";
    expect(await push([sample(end)])).toMatchObject({ status: 200, json: { stored: 1, storedIndexes: [0] } });
    expect(await push([sample(end), sample(end, { errors: 4 })])).toMatchObject({
      status: 200,
      json: { stored: 0, duplicateIndexes: [0], conflictIndexes: [1] },
    });
    expect(await push([sample(end, { cohort: "canary" })])).toMatchObject({
      status: 400,
      json: { field: "samples[0].cohort" },
    });
    expect(await push([sample(end, { service: "inventroy" })])).toMatchObject({
      status: 404,
      json: { field: "samples[0].service", message: "samples[0].service: no service named inventroy" },
    });
    const rows = await db().serviceSample.findMany({ where: { service: { name: "inventory" } } });
    expect(rows.map((r) => [r.environment, r.intervalEnd.toISOString(), r.errors])).toEqual([
      ["production", "2026-11-27T10:00:30.000Z", 3],
    ]);
  });

  it("kills a service's rollouts once per idempotency key, and everything with all: true", async () => {
    const ids = [
      await newRollout(api, writer, "fleet"),
      await newRollout(api, writer, "fleet", { tags: ["b"] }),
    ];
    for (const id of ids) await command(id, "start");
    const kill = (body: object) => api.request("POST", "/api/v1/kill", { token: writer, body });
    const first = await kill({ service: "fleet", reason: "bad config", idempotencyKey: "k-1" });
    expect((first.json as { outcomes: Outcome[] }).outcomes.map((o) => o.rollout.state)).toEqual([
      "rolled_back",
      "rolled_back",
    ]);
    expect((await kill({ service: "fleet", reason: "bad config", idempotencyKey: "k-1" })).status).toBe(200);
    const reverts = await db().auditEvent.count({
      where: { targetId: { in: ids }, action: "rollout.rolled-back" },
    });
    expect(reverts).toBe(2);
    // A misspelt service is a 404 naming it, never "killed, nothing was running".
    const auditBefore = await db().auditEvent.count();
    expect(await kill({ service: "flet", reason: "typo", idempotencyKey: "k-typo" })).toMatchObject({
      status: 404,
      json: { code: "NOT_FOUND", field: "service", message: "No service named flet" },
    });
    expect(await db().auditEvent.count()).toBe(auditBefore);
    expect(await kill({ service: "fleet", reason: "no key" })).toMatchObject({
      status: 400,
      json: { field: "idempotencyKey" },
    });
    expect(await kill({ service: "fleet", all: true, reason: "both", idempotencyKey: "k" })).toMatchObject({
      status: 400,
      json: { field: "service" },
    });

    const everything = await kill({ all: true, reason: "big red button", idempotencyKey: "k-all" });
    expect(everything.status).toBe(200);
    const active = await db().rollout.count({ where: { state: { in: ["running", "paused", "draft"] } } });
    expect(active).toBe(0);
  });
});
