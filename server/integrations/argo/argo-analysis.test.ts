import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../api/api-test-client";
import { evaluator, newRollout, passCurrentStep, plan } from "../../api/api-test-rollouts";
import type { GateVerdict } from "../../domain/analysis";
import { systemActor } from "../../services/actors";
import type { ServiceContext } from "../../services/context";
import { runRolloutCommand } from "../../services/rollouts/run-rollout-command";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";

const gate = (name: string, verdict: GateVerdict["verdict"], detail: string): GateVerdict => ({
  gate: name,
  metric: name === "error-rate" ? "error-rate" : "latency-p95",
  verdict,
  critical: name === "error-rate",
  detail,
  evidence: 1,
});

describe("GET /api/v1/analysis/{service} (Argo Rollouts web metric)", () => {
  let demo: DemoFixture;
  let clock = new Date("2026-11-27T10:00:00Z");
  let ctx: ServiceContext;
  let api: TestApi;
  let writer: string;
  let reader: string;
  const setNow = (now: Date) => {
    clock = now;
  };
  const analysis = (service: string, token: string | null = reader) =>
    api.request("GET", `/api/v1/analysis/${service}`, { token: token ?? undefined });
  const running = async (service: string) => {
    const id = await newRollout(api, writer, service);
    await runRolloutCommand(ctx, demo.actor("release_manager"), id, { type: "start" });
    return id;
  };
  const judge = (
    rolloutId: string,
    stepIndex: number,
    decision: string,
    reason: string,
    gates: GateVerdict[],
  ) =>
    demo.database.db.stepEvaluation.create({
      data: { rolloutId, stepIndex, intervalEnd: clock, at: clock, decision, reason, gates: gates as never },
    });
  /** A draft canary rollout of `version` (its deploy registered first); returns its id. */
  const rolloutOf = async (service: string, version: string, environment = "production") => {
    const release = { service, environment, version };
    await api.request("POST", "/api/v1/deploys", {
      token: writer,
      body: { ...release, artifact: `registry.local/${service}:${version}` },
    });
    const created = await api.request("POST", "/api/v1/rollouts", {
      token: writer,
      body: { ...release, mechanism: "canary", steps: plan([10, 100]) },
    });
    expect(created.status, created.text).toBe(201);
    return (created.json as { id: string }).id;
  };
  /** Starts a draft rollout and takes it to completed, each step judged promote. */
  const complete = async (id: string) => {
    await runRolloutCommand(ctx, demo.actor("release_manager"), id, { type: "start" });
    await judge(id, 0, "promote", "every gate passed", [gate("error-rate", "pass", "fine")]);
    await passCurrentStep(ctx, setNow, id);
    await runRolloutCommand(ctx, systemActor("scheduler"), id, { type: "advance" });
    await judge(id, 1, "promote", "every gate passed", [gate("error-rate", "pass", "fine")]);
    await passCurrentStep(ctx, setNow, id, "completed");
    return id;
  };
  /** A rollout of `version` taken to completed, each step judged promote. */
  const completedRollout = async (service: string, version: string, environment = "production") =>
    complete(await rolloutOf(service, version, environment));

  beforeAll(async () => {
    demo = await createDemoFixture(clock);
    ctx = { ...demo.services, now: () => clock };
    api = await startTestApi(ctx);
    writer = await api.token(["rollouts:write"]);
    reader = await api.token(["read"]);
  });
  afterAll(async () => {
    await api.close();
    await demo.database.drop();
  });

  it("passes on a promote judgement of the live step, with each gate's explanation and the score", async () => {
    const id = await running("argo-pass");
    await judge(id, 0, "promote", "every gate passed", [
      gate("error-rate", "pass", "canary 0.10% vs baseline 0.11%: pass"),
      gate("latency-p95", "pass", "p95 212 ms vs 210 ms: pass"),
    ]);
    const response = await analysis("argo-pass");
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      service: "argo-pass",
      rolloutId: id,
      state: "running",
      verdict: "pass",
      score: 1,
      reason: "every gate passed",
      judgedStep: 0,
      decision: "promote",
      gates: [
        {
          name: "error-rate",
          verdict: "pass",
          critical: true,
          explanation: "canary 0.10% vs baseline 0.11%: pass",
        },
        { name: "latency-p95", verdict: "pass", critical: false, explanation: "p95 212 ms vs 210 ms: pass" },
      ],
    });
  });

  it("fails once the gates rolled the rollout back", async () => {
    const id = await running("argo-fail");
    const reason = "error-rate: canary 2.1% vs baseline 0.1%";
    await judge(id, 0, "rollback", reason, [
      gate("error-rate", "fail", "canary 2.1% vs baseline 0.1%: fail"),
      gate("latency-p95", "pass", "p95 212 ms vs 210 ms: pass"),
    ]);
    expect((await analysis("argo-fail")).json).toMatchObject({ verdict: "fail", score: 0.5, reason });
    await runRolloutCommand(ctx, evaluator, id, {
      type: "gates-failed",
      stepIndex: 0,
      critical: true,
      failedGates: ["error-rate"],
      reason,
    });
    expect((await analysis("argo-fail")).json).toMatchObject({
      state: "rolled_back",
      verdict: "fail",
      reason: "the rollout was rolled back",
    });
  });

  it("is inconclusive while the gates have not decided", async () => {
    const id = await running("argo-undecided");
    await judge(id, 0, "continue", "not enough samples yet", [
      gate("error-rate", "inconclusive", "40 of 50 samples: inconclusive"),
      gate("latency-p95", "pass", "p95 212 ms vs 210 ms: pass"),
    ]);
    expect((await analysis("argo-undecided")).json).toMatchObject({
      verdict: "inconclusive",
      score: 0.5,
      reason: "not enough samples yet",
    });
  });

  it("never passes without evidence: no rollout, no judgement, or only an earlier step's", async () => {
    const noRollout = await api.request("POST", "/api/v1/deploys", {
      token: writer,
      body: { service: "argo-empty", environment: "production", version: "1", artifact: "r/argo-empty:1" },
    });
    expect(noRollout.status).toBe(201);
    expect((await analysis("argo-empty")).json).toMatchObject({
      rolloutId: null,
      verdict: "inconclusive",
      score: null,
      reason: "no rollout",
    });

    const id = await running("argo-nodata");
    expect((await analysis("argo-nodata")).json).toMatchObject({
      rolloutId: id,
      verdict: "inconclusive",
      score: null,
      reason: "no gate judgement stored yet",
      gates: [],
    });

    await judge(id, 0, "promote", "every gate passed", [gate("error-rate", "pass", "fine: pass")]);
    await passCurrentStep(ctx, setNow, id);
    await runRolloutCommand(ctx, systemActor("scheduler"), id, { type: "advance" });
    expect((await analysis("argo-nodata")).json).toMatchObject({
      currentStep: 1,
      judgedStep: 0,
      verdict: "inconclusive",
      reason: "step 2 has not been judged yet",
    });
  });

  it("asks which environment while a service is live in two, and answers for the one named", async () => {
    const production = await running("argo-envs");
    const staging = await rolloutOf("argo-envs", "1.0.0", "staging");
    await runRolloutCommand(ctx, demo.actor("release_manager"), staging, { type: "start" });
    await judge(staging, 0, "promote", "every gate passed", [gate("error-rate", "pass", "fine")]);

    expect(await analysis("argo-envs")).toMatchObject({
      status: 409,
      json: {
        code: "CONFLICT",
        field: "environment",
        message: expect.stringContaining("live rollouts in production and staging"),
      },
    });
    expect((await analysis("argo-envs?environment=staging")).json).toMatchObject({
      rolloutId: staging,
      environment: "staging",
      verdict: "pass",
    });
    expect((await analysis("argo-envs?environment=production")).json).toMatchObject({
      rolloutId: production,
      environment: "production",
      verdict: "inconclusive",
    });
  });

  it("with nothing live, asks which environment rather than answer from another's finished rollout", async () => {
    const production = await completedRollout("argo-finished-envs", "1.0.0");
    await completedRollout("argo-finished-envs", "2.0.0", "staging");
    expect(await analysis("argo-finished-envs")).toMatchObject({
      status: 409,
      json: {
        code: "CONFLICT",
        field: "environment",
        message: expect.stringContaining("production and staging"),
      },
    });
    expect((await analysis("argo-finished-envs?environment=production")).json).toMatchObject({
      rolloutId: production,
      release: "1.0.0",
      verdict: "pass",
    });
  });

  it("with ?release=, passes on a promote judgement of that release's live step", async () => {
    await completedRollout("argo-rel-live", "1.0.0");
    const id = await rolloutOf("argo-rel-live", "2.0.0");
    await runRolloutCommand(ctx, demo.actor("release_manager"), id, { type: "start" });
    await judge(id, 0, "promote", "every gate passed", [gate("error-rate", "pass", "fine: pass")]);
    expect((await analysis("argo-rel-live?release=2.0.0")).json).toMatchObject({
      rolloutId: id,
      release: "2.0.0",
      environment: "production",
      state: "running",
      verdict: "pass",
    });
  });

  it("with ?release=, is inconclusive for a release Sluice has no rollout of, whatever else completed", async () => {
    await completedRollout("argo-rel-none", "1.0.0");
    // Argo reverts to an older image: deployed, but no Sluice rollout judged it.
    await api.request("POST", "/api/v1/deploys", {
      token: writer,
      body: {
        service: "argo-rel-none",
        environment: "production",
        version: "0.9.0",
        artifact: "registry.local/argo-rel-none:0.9.0",
      },
    });
    expect((await analysis("argo-rel-none?release=0.9.0")).json).toMatchObject({
      rolloutId: null,
      release: "0.9.0",
      verdict: "inconclusive",
      score: null,
      reason: expect.stringContaining("no rollout of release 0.9.0"),
      gates: [],
    });
    // Without the release, the newest finished rollout answers (kept for compatibility: the risk).
    expect((await analysis("argo-rel-none")).json).toMatchObject({ release: "1.0.0", verdict: "pass" });
  });

  it("with ?release=, a completed rollout superseded by another release's does not pass", async () => {
    const old = await completedRollout("argo-rel-revert", "1.0.0");
    const newer = await completedRollout("argo-rel-revert", "2.0.0");
    const reverted = (await analysis("argo-rel-revert?release=1.0.0")).json;
    expect(reverted).toMatchObject({
      rolloutId: old,
      release: "1.0.0",
      state: "completed",
      verdict: "inconclusive",
      score: null,
      gates: [],
      reason: expect.stringContaining("release 2.0.0"),
    });
    expect((reverted as { reason: string }).reason).toContain(newer);
    expect((await analysis("argo-rel-revert?release=2.0.0")).json).toMatchObject({
      rolloutId: newer,
      verdict: "pass",
    });
  });

  it("with ?release=, a rollout created before but started after supersedes the release", async () => {
    const v2 = await rolloutOf("argo-rel-order", "2.0.0"); // drafted first, shipped last
    const hotfix = await completedRollout("argo-rel-order", "1.0.1");
    await complete(v2);
    // Argo reverts 2.0.0 to 1.0.1: no rollout judged that revert.
    const reverted = (await analysis("argo-rel-order?release=1.0.1")).json;
    expect(reverted).toMatchObject({ rolloutId: hotfix, verdict: "inconclusive" });
    expect((reverted as { reason: string }).reason).toContain(`release 2.0.0 (rollout ${v2}, completed)`);
  });

  it("with ?release=, another release's rollout that changed exposure after this one started supersedes it", async () => {
    await completedRollout("argo-rel-overlap", "1.0.0");
    const v2 = await rolloutOf("argo-rel-overlap", "2.0.0");
    await runRolloutCommand(ctx, demo.actor("release_manager"), v2, { type: "start" }); // holds at 10%
    const hotfix = await completedRollout("argo-rel-overlap", "1.0.1");
    // v2 started before the hotfix did, but finished after it: production runs 2.0.0.
    await judge(v2, 0, "promote", "every gate passed", [gate("error-rate", "pass", "fine")]);
    await passCurrentStep(ctx, setNow, v2);
    await runRolloutCommand(ctx, systemActor("scheduler"), v2, { type: "advance" });
    await judge(v2, 1, "promote", "every gate passed", [gate("error-rate", "pass", "fine")]);
    await passCurrentStep(ctx, setNow, v2, "completed");
    const reverted = (await analysis("argo-rel-overlap?release=1.0.1")).json;
    expect(reverted).toMatchObject({ rolloutId: hotfix, verdict: "inconclusive" });
    expect((reverted as { reason: string }).reason).toContain(`release 2.0.0 (rollout ${v2}, completed)`);
  });

  it("a later rollout killed or paused before it started still answers, never the earlier pass", async () => {
    await completedRollout("argo-redo", "1.0.0");
    // v2, killed as a draft: Argo must not promote the revision just killed on v1's pass.
    const killed = await rolloutOf("argo-redo", "2.0.0");
    await runRolloutCommand(ctx, demo.actor("release_manager"), killed, {
      type: "kill",
      reason: "bad build",
    });
    for (const path of ["argo-redo", "argo-redo?release=2.0.0"]) {
      expect((await analysis(path)).json).toMatchObject({ rolloutId: killed, verdict: "fail" });
    }
    // A re-run of v2, paused before it started: not judged, so inconclusive.
    const paused = await rolloutOf("argo-redo", "2.0.0");
    await runRolloutCommand(ctx, demo.actor("release_manager"), paused, { type: "pause", reason: "later" });
    for (const path of ["argo-redo", "argo-redo?release=2.0.0"]) {
      expect((await analysis(path)).json).toMatchObject({ rolloutId: paused, verdict: "inconclusive" });
    }
  });

  it("with ?release=, a later rollout of another release that never started does not supersede", async () => {
    const shipped = await completedRollout("argo-rel-unstarted", "5.0.0");
    const wrong = await rolloutOf("argo-rel-unstarted", "5.1.0");
    await runRolloutCommand(ctx, demo.actor("release_manager"), wrong, {
      type: "abort",
      reason: "wrong build",
    });
    const killed = await rolloutOf("argo-rel-unstarted", "5.2.0");
    await runRolloutCommand(ctx, demo.actor("release_manager"), killed, { type: "kill", reason: "wrong" });
    await rolloutOf("argo-rel-unstarted", "5.3.0"); // still a draft
    expect((await analysis("argo-rel-unstarted?release=5.0.0")).json).toMatchObject({
      rolloutId: shipped,
      state: "completed",
      verdict: "pass",
    });
  });

  it("with ?release=, asks which environment while the service is released to several", async () => {
    await completedRollout("argo-rel-envs", "1.0.0", "staging");
    await rolloutOf("argo-rel-envs", "0.9.0");
    // Production's template must not pass on staging's rollout of the same version.
    expect(await analysis("argo-rel-envs?release=1.0.0")).toMatchObject({
      status: 409,
      json: { code: "CONFLICT", field: "environment" },
    });
    expect((await analysis("argo-rel-envs?release=1.0.0&environment=production")).json).toMatchObject({
      verdict: "inconclusive",
      reason: expect.stringContaining("no rollout of release 1.0.0"),
    });
    expect((await analysis("argo-rel-envs?release=1.0.0&environment=staging")).json).toMatchObject({
      environment: "staging",
      verdict: "pass",
    });
  });

  it("refuses an invalid release, naming it", async () => {
    const refusals: [string, RegExp][] = [
      ["", /^release: must not be empty$/],
      ["%20%20", /^release: must not be empty$/],
      ["a%00b", /^release: must be valid Unicode without NUL characters$/],
      ["v".repeat(101), /^release: .*100/],
    ];
    for (const [bad, message] of refusals) {
      expect(await analysis(`argo-pass?release=${bad}`)).toMatchObject({
        status: 400,
        json: { code: "BAD_INPUT", field: "release", message: expect.stringMatching(message) },
      });
    }
  });

  it("answers 404 for an unknown service, 401 without a token and 403 for a token without read", async () => {
    expect((await analysis("argo-unknown")).json).toMatchObject({ code: "NOT_FOUND", field: "service" });
    expect((await analysis("argo-pass", null)).status).toBe(401);
    const metrics = await api.token(["metrics:write"]);
    expect((await analysis("argo-pass", metrics)).status).toBe(403);
    const controller = await api.token(["controllers:write"]);
    expect((await analysis("argo-pass", controller)).status).toBe(200);
  });
});
