import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../api/api-test-client";
import { passCurrentStep } from "../../api/api-test-rollouts";
import { createDb } from "../../db/client";
import { systemActor } from "../../services/actors";
import type { ServiceContext } from "../../services/context";
import { declareIncident } from "../../services/incidents/declare-incident";
import { resolveIncident } from "../../services/incidents/resolve-incident";
import { runRolloutCommand } from "../../services/rollouts/run-rollout-command";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";

type Answer = { yes: boolean; reason: string; rolloutId: string | null; state: string | null };

describe("Flagger webhooks over HTTP", () => {
  let demo: DemoFixture;
  let clock = new Date("2026-11-27T10:00:00Z");
  let ctx: ServiceContext;
  let api: TestApi;
  let flagger: string;
  const db = () => demo.database.db;
  const setNow = (now: Date) => {
    clock = now;
  };
  const canary = (name: string, checksum: string, metadata: Record<string, string> = {}) => ({
    name,
    namespace: "test",
    phase: "Progressing",
    checksum,
    metadata,
  });
  const hook = async (type: string, body: unknown, token: string | null = flagger) => {
    const response = await api.request("POST", `/api/v1/flagger/${type}`, {
      token: token ?? undefined,
      body,
    });
    return { status: response.status, answer: response.json as Answer & { code?: string; field?: string } };
  };
  const event = (name: string, checksum: string | undefined, eventMessage: string, phase = "Progressing") =>
    api.request("POST", "/api/v1/flagger/event", {
      token: flagger,
      body: {
        name,
        namespace: "test",
        phase,
        ...(checksum ? { checksum } : {}),
        metadata: { eventMessage, eventType: "Normal", timestamp: "1795773600000" },
      },
    });
  const rollout = (id: string) =>
    db().rollout.findUniqueOrThrow({
      where: { id },
      select: {
        state: true,
        phase: true,
        exposurePercent: true,
        appliedBy: true,
        controller: true,
        controllerRef: true,
        controllerRevision: true,
        controllerWeight: true,
        steps: true,
      },
    });
  const advance = (id: string) => runRolloutCommand(ctx, systemActor("scheduler"), id, { type: "advance" });

  beforeAll(async () => {
    demo = await createDemoFixture(clock);
    ctx = { ...demo.services, now: () => clock };
    api = await startTestApi(ctx);
    flagger = await api.token(["controllers:write"], { name: "flagger" });
  });
  afterAll(async () => {
    await api.close();
    await demo.database.drop();
  });

  it("maps a new canary checksum to one started rollout whose exposure Flagger applies", async () => {
    const body = canary("podinfo", "7c9d4f", { weights: "10,50,100", holdSeconds: "60" });
    const first = await hook("confirm-rollout", body);
    const again = await hook("confirm-rollout", body);
    expect(first.status).toBe(200);
    expect(first.answer).toMatchObject({ yes: true, state: "running" });
    expect(again.answer.rolloutId).toBe(first.answer.rolloutId);
    const id = first.answer.rolloutId as string;
    expect(await rollout(id)).toMatchObject({
      state: "running",
      exposurePercent: 10,
      appliedBy: "flagger",
      controller: "flagger",
      controllerRef: "test/podinfo",
      controllerRevision: "7c9d4f",
      controllerWeight: null,
    });
    const release = await db().release.findFirstOrThrow({
      where: { rollouts: { some: { id } } },
      select: { environment: true, version: true, service: { select: { name: true } } },
    });
    expect(release).toEqual({ environment: "test", version: "7c9d4f", service: { name: "podinfo" } });

    const next = await hook("confirm-rollout", canary("podinfo", "8e1a22", { weights: "10,50,100" }));
    expect(next.status).toBe(200);
    expect(next.answer.rolloutId).not.toBe(id);
    expect(await db().rollout.count({ where: { controllerRef: "test/podinfo" } })).toBe(2);
    expect((await rollout(id)).state).toBe("aborted");
    expect((await rollout(next.answer.rolloutId as string)).state).toBe("running");
  });

  /** The canary's rollouts in generation order: which revision each was of, and where it ended. */
  const history = (name: string) =>
    db().rollout.findMany({
      where: { controller: "flagger", controllerRef: `test/${name}` },
      orderBy: { controllerGeneration: "asc" },
      select: { id: true, controllerRevision: true, controllerGeneration: true, state: true },
    });

  it("starts a new gated rollout when Flagger reverts to a revision whose rollout was aborted as superseded", async () => {
    const metadata = { weights: "10,100", approveAt: "10" };
    const first = await hook("confirm-rollout", canary("revert-api", "a1", metadata));
    expect(first.answer.reason).toBe("step 1 (10%) awaits approval in Sluice");
    const a1 = first.answer.rolloutId as string;
    const b2 = (await hook("confirm-rollout", canary("revert-api", "b2", metadata))).answer.rolloutId;
    expect((await rollout(a1)).state).toBe("aborted");

    // The user reverts: Flagger calls about a1 again, now after b2.
    const body = canary("revert-api", "a1", metadata);
    const noRollbackYet = await hook("rollback", body);
    expect(noRollbackYet).toMatchObject({
      status: 403,
      answer: { rolloutId: null, reason: "no rollback: Sluice has no rollout of this canary revision" },
    });
    const reverted = await hook("confirm-rollout", body);
    expect(reverted.status).toBe(403);
    expect(reverted.answer.reason).toBe("step 1 (10%) awaits approval in Sluice");
    const again = reverted.answer.rolloutId as string;
    expect(again).not.toBe(a1);
    expect(await rollout(again)).toMatchObject({
      state: "running",
      phase: "awaiting_approval",
      exposurePercent: 0,
      controllerRevision: "a1",
    });
    expect(await history("revert-api")).toEqual([
      { id: a1, controllerRevision: "a1", controllerGeneration: 1, state: "aborted" },
      { id: b2, controllerRevision: "b2", controllerGeneration: 2, state: "aborted" },
      { id: again, controllerRevision: "a1", controllerGeneration: 3, state: "running" },
    ]);
    const superseded = await db().auditEvent.findFirstOrThrow({
      where: { targetId: b2 as string, action: { startsWith: "rollout.abort" } },
      select: { reason: true },
    });
    expect(superseded.reason).toBe("superseded by Flagger revision a1");

    await runRolloutCommand(ctx, demo.actor("release_manager"), again, { type: "approve" });
    expect(await hook("confirm-rollout", body)).toMatchObject({
      status: 200,
      answer: { rolloutId: again, state: "running" },
    });
  });

  it("does not let a revert to a revision whose rollout completed pass the gates without judging it", async () => {
    const metadata = { weights: "10,100", holdSeconds: "60" };
    const shipped = (await hook("confirm-rollout", canary("shipped-api", "c1", metadata))).answer
      .rolloutId as string;
    await passCurrentStep(ctx, setNow, shipped);
    await advance(shipped);
    await passCurrentStep(ctx, setNow, shipped, "completed");
    expect((await rollout(shipped)).state).toBe("completed");
    expect((await hook("confirm-promotion", canary("shipped-api", "c1", metadata))).status).toBe(200);
    await hook("confirm-rollout", canary("shipped-api", "d2", metadata));

    const body = canary("shipped-api", "c1", metadata);
    const reverted = await hook("confirm-rollout", body);
    expect(reverted.status).toBe(200);
    const again = reverted.answer.rolloutId as string;
    expect(again).not.toBe(shipped);
    expect(await rollout(again)).toMatchObject({ state: "running", exposurePercent: 10 });
    expect((await rollout(shipped)).state).toBe("completed");
    expect((await hook("confirm-promotion", body)).answer).toMatchObject({
      yes: false,
      rolloutId: again,
      reason: "Sluice's plan is at 10%; promotion waits for its 100% step",
    });
    expect((await event("shipped-api", "c1", "Advance shipped-api.test canary weight 10")).json).toEqual({
      rolloutId: again,
      canaryWeight: 10,
    });
    expect((await hook("confirm-traffic-increase", body)).answer).toMatchObject({
      yes: false,
      reason: "Flagger applies 10%; Sluice allows 10% until step 1 passes its hold and gates",
    });
  });

  it("keeps answering every hook about the current revision from its one rollout, after a revert too", async () => {
    const body = canary("steady-api", "e1", { weights: "10,100" });
    const first = (await hook("confirm-rollout", body)).answer.rolloutId as string;
    await hook("confirm-rollout", canary("steady-api", "f2", { weights: "10,100" }));
    const reverted = (await hook("confirm-rollout", body)).answer.rolloutId as string;
    expect(reverted).not.toBe(first);
    for (const type of ["confirm-rollout", "confirm-traffic-increase", "confirm-promotion", "rollback"]) {
      expect((await hook(type, body)).answer.rolloutId, type).toBe(reverted);
      expect((await hook(type, body)).answer.rolloutId, type).toBe(reverted);
    }
    expect((await event("steady-api", "e1", "Starting canary analysis")).json).toMatchObject({
      rolloutId: reverted,
    });
    expect((await event("steady-api", undefined, "Starting canary analysis")).json).toMatchObject({
      rolloutId: reverted,
    });
    expect((await history("steady-api")).map((r) => r.controllerRevision)).toEqual(["e1", "f2", "e1"]);
  });

  it("creates one rollout when two instances receive the same first call at once, and one per revert", async () => {
    // A second Sluice instance: its own database client and HTTP server on the same PostgreSQL.
    const otherDb = createDb(demo.database.url);
    const other = await startTestApi({ ...ctx, db: otherDb });
    try {
      const burst = (checksum: string) =>
        Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 === 0 ? api : other).request("POST", "/api/v1/flagger/confirm-rollout", {
              token: flagger,
              body: canary("racing-api", checksum, { weights: "10,100" }),
            }),
          ),
        );
      const rolloutIds = (responses: { json: unknown }[]) =>
        new Set(responses.map((r) => (r.json as Answer).rolloutId));
      const firsts = await burst("g1");
      expect(firsts.map((r) => r.status)).toEqual(Array(8).fill(200));
      await burst("h2");
      const reverts = await burst("g1");
      expect(reverts.map((r) => r.status)).toEqual(Array(8).fill(200));
      const rows = await history("racing-api");
      expect(rows.map((r) => [r.controllerRevision, r.controllerGeneration, r.state])).toEqual([
        ["g1", 1, "aborted"],
        ["h2", 2, "aborted"],
        ["g1", 3, "running"],
      ]);
      expect(rolloutIds(firsts)).toEqual(new Set([rows[0]?.id]));
      expect(rolloutIds(reverts)).toEqual(new Set([rows[2]?.id]));
    } finally {
      await other.close();
      await otherDb.$disconnect();
    }
  });

  it("keeps one release for new revisions of a version pinned in metadata, each its own rollout", async () => {
    const pinned = { version: "2.4.0", weights: "10,100" };
    const first = await hook("confirm-rollout", canary("pinned-api", "aa01", pinned));
    // A config change: Flagger's checksum changes, the version the operator pinned does not.
    const next = await hook("confirm-rollout", canary("pinned-api", "aa02", pinned));
    expect(first).toMatchObject({ status: 200, answer: { yes: true } });
    expect(next).toMatchObject({ status: 200, answer: { yes: true, state: "running" } });
    expect(next.answer.rolloutId).not.toBe(first.answer.rolloutId);
    const releases = await db().release.findMany({
      where: { service: { name: "pinned-api" } },
      select: { version: true, artifact: true, _count: { select: { rollouts: true } } },
    });
    expect(releases).toEqual([
      { version: "2.4.0", artifact: "flagger:test/pinned-api@aa01", _count: { rollouts: 2 } },
    ]);
  });

  it("holds while an incident freezes the service, and lets go once it is resolved", async () => {
    const incident = await declareIncident(ctx, demo.actor("operator"), {
      title: "payments down",
      severity: "sev1",
      services: ["frozen-api"],
    });
    const body = canary("frozen-api", "aa01");
    const held = await hook("confirm-rollout", body);
    expect(held.status).toBe(403);
    expect(held.answer.yes).toBe(false);
    expect(held.answer.reason).toContain("frozen by incident");
    expect((await rollout(held.answer.rolloutId as string)).state).toBe("draft");
    expect((await hook("confirm-traffic-increase", body)).status).toBe(403);

    await resolveIncident(ctx, demo.actor("operator"), { id: incident.id });
    const allowed = await hook("confirm-rollout", body);
    expect(allowed.status).toBe(200);
    expect((await rollout(held.answer.rolloutId as string)).state).toBe("running");
  });

  it("holds while a step awaits approval in Sluice, and proceeds once a release manager approves", async () => {
    const body = canary("approvals-api", "bb02", { weights: "20,100", approveAt: "20" });
    const held = await hook("confirm-rollout", body);
    expect(held.status).toBe(403);
    expect(held.answer.reason).toBe("step 1 (20%) awaits approval in Sluice");
    const id = held.answer.rolloutId as string;
    expect(await rollout(id)).toMatchObject({ state: "running", phase: "awaiting_approval" });

    await runRolloutCommand(ctx, demo.actor("release_manager"), id, { type: "approve" });
    expect((await hook("confirm-rollout", body)).status).toBe(200);
    expect((await hook("confirm-traffic-increase", body)).status).toBe(200);
  });

  it("lets traffic rise while Flagger's reported weight is below Sluice's exposure, and promotes at 100%", async () => {
    const body = canary("ramp-api", "cc03", { weights: "10,50,100", holdSeconds: "60" });
    const id = (await hook("confirm-rollout", body)).answer.rolloutId as string;
    expect((await hook("confirm-traffic-increase", body)).status).toBe(200);

    expect((await event("ramp-api", "cc03", "Advance ramp-api.test canary weight 10")).status).toBe(200);
    expect((await rollout(id)).controllerWeight).toBe(10);
    const capped = await hook("confirm-traffic-increase", body);
    expect(capped.status).toBe(403);
    expect(capped.answer.reason).toBe(
      "Flagger applies 10%; Sluice allows 10% until step 1 passes its hold and gates",
    );
    expect((await hook("confirm-promotion", body)).answer.reason).toBe(
      "Sluice's plan is at 10%; promotion waits for its 100% step",
    );

    await passCurrentStep(ctx, setNow, id);
    await advance(id);
    expect((await rollout(id)).exposurePercent).toBe(50);
    expect((await hook("confirm-traffic-increase", body)).status).toBe(200);
    expect((await hook("confirm-promotion", body)).status).toBe(403);

    await passCurrentStep(ctx, setNow, id);
    await advance(id);
    expect((await hook("confirm-promotion", body)).status).toBe(200);
  });

  it("holds on a pause and on gates that stopped the step", async () => {
    const body = canary("gated-api", "dd04", { weights: "10,100" });
    const id = (await hook("confirm-rollout", body)).answer.rolloutId as string;
    await db().stepEvaluation.create({
      data: {
        rolloutId: id,
        stepIndex: 0,
        intervalEnd: clock,
        at: clock,
        decision: "pause",
        reason: "sample ratio mismatch: 30% of traffic on the canary, 10% expected",
        gates: [],
      },
    });
    const held = await hook("confirm-traffic-increase", body);
    expect(held.status).toBe(403);
    expect(held.answer.reason).toBe(
      "Sluice's gates stopped step 1: sample ratio mismatch: 30% of traffic on the canary, 10% expected",
    );
    expect((await hook("rollback", body)).status).toBe(403);

    await runRolloutCommand(ctx, demo.actor("operator"), id, { type: "pause", reason: "looking" });
    expect((await hook("confirm-traffic-increase", body)).answer.reason).toBe("the Sluice rollout is paused");
  });

  it("answers the rollback hook 200 only once Sluice has killed the rollout", async () => {
    const body = canary("kill-api", "ee05", { weights: "10,100" });
    const id = (await hook("confirm-rollout", body)).answer.rolloutId as string;
    const before = await hook("rollback", body);
    expect(before.status).toBe(403);
    expect(before.answer.reason).toBe("no rollback: the Sluice rollout is running");

    await runRolloutCommand(ctx, demo.actor("operator"), id, { type: "kill", reason: "errors spiking" });
    const after = await hook("rollback", body);
    expect(after.status).toBe(200);
    expect(after.answer).toMatchObject({ yes: true, state: "rolled_back" });
    expect((await hook("confirm-traffic-increase", body)).status).toBe(403);

    const unknown = await hook("rollback", canary("never-seen", "ff06"));
    expect(unknown.status).toBe(403);
    expect(await db().rollout.count({ where: { controllerRef: "test/never-seen" } })).toBe(0);
  });

  it("records Flagger's events in the rollout's audit history, or on the canary before a rollout exists", async () => {
    const body = canary("events-api", "ab07", { weights: "10,100" });
    const id = (await hook("confirm-rollout", body)).answer.rolloutId as string;
    const recorded = await event("events-api", undefined, "Advance events-api.test canary weight 5");
    expect(recorded.json).toEqual({ rolloutId: id, canaryWeight: 5 });
    await event("events-api", "ab07", "Starting canary analysis for events-api.test");
    const history = await db().auditEvent.findMany({
      where: { targetType: "rollout", targetId: id, action: "flagger.event" },
      orderBy: { id: "asc" },
      select: { actor: true, reason: true, after: true },
    });
    expect(history).toEqual([
      {
        actor: "system:token/flagger",
        reason: "Advance events-api.test canary weight 5",
        after: {
          canary: "test/events-api",
          phase: "Progressing",
          eventType: "Normal",
          flaggerTimestamp: 1795773600000,
          canaryWeight: 5,
        },
      },
      {
        actor: "system:token/flagger",
        reason: "Starting canary analysis for events-api.test",
        after: {
          canary: "test/events-api",
          phase: "Progressing",
          eventType: "Normal",
          flaggerTimestamp: 1795773600000,
        },
      },
    ]);
    expect((await rollout(id)).controllerWeight).toBe(5);
    await event("events-api", "ab07", "Promotion completed! Scaling down events-api.test", "Succeeded");
    expect((await rollout(id)).controllerWeight).toBe(100);

    const orphan = await event("no-rollout", undefined, "New revision detected! Scaling up no-rollout.test");
    expect(orphan.json).toEqual({ rolloutId: null, canaryWeight: null });
    expect(
      await db().auditEvent.count({
        where: { targetType: "controller", targetId: "flagger:test/no-rollout" },
      }),
    ).toBe(1);
  });

  it("refuses callers without the controllers:write token: 401 without one, 403 with another scope", async () => {
    const body = canary("auth-api", "ac08");
    const none = await hook("confirm-rollout", body, null);
    expect(none.status).toBe(401);
    expect(none.answer.code).toBe("UNAUTHORIZED");
    const reader = await api.token(["read"]);
    const wrong = await hook("confirm-rollout", body, reader);
    expect(wrong.status).toBe(403);
    expect(wrong.answer.code).toBe("FORBIDDEN");
    const forged = await hook("confirm-rollout", canary("auth-api", "ac08", { token: "slc_forged" }), null);
    expect(forged.status).toBe(401);
    expect((await hook("confirm-rollout", "{not json", null)).status).toBe(401);
    expect(await db().rollout.count({ where: { controllerRef: "test/auth-api" } })).toBe(0);
  });

  it("takes the token from metadata.token when Flagger cannot send a header", async () => {
    const viaMetadata = await hook(
      "confirm-rollout",
      canary("metadata-api", "ad09", { token: flagger }),
      null,
    );
    expect(viaMetadata.status).toBe(200);
    const created = await db().auditEvent.findFirstOrThrow({
      where: { action: "rollout.created", targetId: viaMetadata.answer.rolloutId as string },
      select: { actor: true, after: true },
    });
    expect(created.actor).toBe("system:token/flagger");
    expect(JSON.stringify(created.after)).not.toContain(flagger);
  });

  it("names the offending field of a malformed payload", async () => {
    const { checksum: _dropped, ...noChecksum } = canary("bad-api", "x");
    const missing = await hook("confirm-rollout", noChecksum);
    expect(missing).toMatchObject({ status: 400, answer: { code: "BAD_INPUT", field: "checksum" } });
    const weights = await hook("confirm-rollout", canary("bad-api", "x", { weights: "ten" }));
    expect(weights).toMatchObject({ status: 400, answer: { code: "BAD_INPUT", field: "metadata.weights" } });
    const name = await hook("confirm-rollout", { ...canary("bad-api", "x"), name: "Bad Name" });
    expect(name).toMatchObject({ status: 400, answer: { code: "BAD_INPUT", field: "name" } });
    const eventType = await api.request("POST", "/api/v1/flagger/event", {
      token: flagger,
      body: { name: "bad-api", namespace: "test", phase: "Progressing", metadata: { eventMessage: "x" } },
    });
    expect(eventType).toMatchObject({ status: 400, json: { field: "metadata.eventType" } });
    expect(await db().rollout.count({ where: { controllerRef: "test/bad-api" } })).toBe(0);
  });

  /** Each metadata is refused with its field and message, and nothing is stored. */
  const expectRefusals = async (name: string, refusals: [Record<string, string>, string, string][]) => {
    const stored = async () => ({
      releases: await db().release.count(),
      rollouts: await db().rollout.count(),
      audit: await db().auditEvent.count(),
    });
    const before = await stored();
    for (const [metadata, field, message] of refusals) {
      const refused = await hook("confirm-rollout", canary(name, "af01", metadata));
      expect(refused, JSON.stringify(metadata)).toMatchObject({
        status: 400,
        answer: { code: "BAD_INPUT", field, message },
      });
    }
    expect(await stored()).toEqual(before);
  };

  it("refuses a reserved metadata key, which zod would drop unnoticed, naming the field", async () => {
    await expectRefusals(
      "reserved-api",
      ["__proto__", "constructor", "prototype"].map((key) => [
        // As Flagger's JSON arrives: an own `__proto__` key, which an object literal cannot write.
        JSON.parse(`{"${key}": "x", "weights": "10,100"}`),
        `metadata.${key}`,
        `metadata.${key}: "${key}" is not allowed as a key`,
      ]),
    );
  });

  it("refuses an approveAt that matches no weight instead of dropping it", async () => {
    await expectRefusals("approve-api", [
      [
        { weights: "10,50,100", approveAt: "60" },
        "metadata.approveAt",
        "metadata.approveAt: 60 is not one of the weights (10,50,100)",
      ],
      [
        { approveAt: "10" },
        "metadata.approveAt",
        "metadata.approveAt: 10 is not one of the weights (1,5,25,50,100)",
      ],
    ]);
    const approved = await hook(
      "confirm-rollout",
      canary("approve-api", "af01", { weights: "10,50,100", approveAt: "50" }),
    );
    expect(approved.status).toBe(200);
    const { steps } = await rollout(approved.answer.rolloutId as string);
    expect((steps as { requiresApproval: boolean }[]).map((s) => s.requiresApproval)).toEqual([
      false,
      true,
      false,
    ]);
  });

  it("names the metadata key an unsound plan came from, not the plan step, storing nothing", async () => {
    await expectRefusals("unsound-api", [
      [
        { weights: "0,50,100" },
        "metadata.weights",
        "metadata.weights: weight 1 (0%): must be above 0% (only blue-green checks an idle colour at 0%)",
      ],
      [
        { weights: "10,50,50" },
        "metadata.weights",
        "metadata.weights: weight 3 (50%): must be greater than weight 2 (50%): exposures strictly increase",
      ],
      [
        { weights: "100", tags: "payment" },
        "metadata.weights",
        "metadata.weights: weight 1 (100%): a high-risk rollout (payment) may not jump straight to 100%; add at least one smaller step first",
      ],
      [
        { holdSeconds: "0" },
        "metadata.holdSeconds",
        "metadata.holdSeconds: every step needs an explicit hold above 0 seconds, got 0",
      ],
      [
        { holdSeconds: "99999999" },
        "metadata.holdSeconds",
        "metadata.holdSeconds: must be at most a year (31536000 s), got 99999999",
      ],
    ]);
  });

  it("refuses an event message or tags it cannot store, and REST's tag limits, naming the field", async () => {
    const stored = async () => ({
      rollouts: await db().rollout.count(),
      audit: await db().auditEvent.count(),
    });
    const before = await stored();
    for (const eventMessage of ["nul \u0000 here", "lone \ud800 surrogate"]) {
      expect(await event("unstorable-api", "ae01", eventMessage)).toMatchObject({
        status: 400,
        json: {
          code: "BAD_INPUT",
          field: "metadata.eventMessage",
          message: "metadata.eventMessage: must be valid Unicode without NUL characters",
        },
      });
    }
    const refusals = [
      ["a,b\u0000", "metadata.tags: must be valid Unicode without NUL characters"],
      ["a,\udc00", "metadata.tags: must be valid Unicode without NUL characters"],
      [Array.from({ length: 21 }, (_, i) => `t${i}`).join(","), "metadata.tags: at most 20 tags"],
      [`short, ${"x".repeat(51)}`, "metadata.tags: tag 2 is longer than 50 characters"],
    ];
    for (const [tags, message] of refusals) {
      const refused = await hook(
        "confirm-rollout",
        canary("unstorable-api", "ae01", { tags: tags as string }),
      );
      expect(refused).toMatchObject({
        status: 400,
        answer: { code: "BAD_INPUT", field: "metadata.tags", message },
      });
    }
    expect(await stored()).toEqual(before);

    const most = Array.from({ length: 20 }, (_, i) => `${i}`.padStart(50, "t"));
    const accepted = await hook(
      "confirm-rollout",
      canary("unstorable-api", "ae01", { tags: most.join(", ") }),
    );
    expect(accepted.status).toBe(200);
    expect(
      await db().rollout.findUniqueOrThrow({
        where: { id: accepted.answer.rolloutId as string },
        select: { tags: true },
      }),
    ).toEqual({ tags: most });
  });
});
