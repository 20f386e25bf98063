import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_REGRESSION, simulateInterval } from "../../metrics/simulated-traffic";
import { DEMO_PROFILE, startSimulator } from "../../metrics/simulator";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { seededRandom } from "../../testing/seeded-random";
import { systemActor } from "../actors";
import { judgeStep } from "../analysis/judge-step";
import { registerDeploy } from "../deploys/register-deploy";
import { declareIncident } from "../incidents/declare-incident";
import { resolveIncident } from "../incidents/resolve-incident";
import { ingestSamples } from "../metrics/ingest-samples";
import { createRollout } from "./create-rollout";
import { type JudgementMemo, progressRollouts, type StepJudge, type StepVerdict } from "./progress-rollouts";
import { runRolloutCommand } from "./run-rollout-command";

describe("an engine beat with its memo of judgements", () => {
  let demo: DemoFixture;
  const memo: JudgementMemo = new Map();
  let judged: string[] = [];
  const countingJudge: StepJudge = (ctx, rollout) => {
    judged.push(rollout.id);
    return judgeStep(ctx, rollout);
  };
  /** One beat; the rollouts it judged. */
  const beat = async () => {
    judged = [];
    await progressRollouts(demo.services, countingJudge, { memo });
    return judged.sort();
  };
  /** Stores healthy ten-second intervals of a rollout, ending at each of `ends`. */
  const ingestHealthy = async (
    rollout: { id: string; exposurePercent: number },
    ends: number[],
    seed: number,
  ) => {
    const random = seededRandom(seed);
    const samples = ends.flatMap((intervalEnd) =>
      simulateInterval({
        rolloutId: rollout.id,
        intervalEnd,
        intervalSeconds: 10,
        exposurePercent: rollout.exposurePercent,
        profile: DEMO_PROFILE,
        regression: NO_REGRESSION,
        random,
      }),
    );
    await ingestSamples(demo.services, samples);
  };
  const holding = async () =>
    (
      await demo.database.db.rollout.findMany({
        where: { state: "running", phase: "holding" },
        select: { id: true },
      })
    )
      .map((r) => r.id)
      .sort();

  /** A plan of one-minute holds at these exposures; `approved` steps need approval. */
  const plan = (exposures: number[], approved: number[] = []) =>
    exposures.map((exposurePercent, i) => ({
      exposurePercent,
      holdSeconds: 60,
      requiresApproval: approved.includes(i),
    }));
  /** The first step's hold over and its gates passed: the rollout ramps at its exposure. */
  const passFirstStep = async (id: string) => {
    demo.advanceClock(60_000);
    await runRolloutCommand(demo.services, systemActor("evaluator"), id, {
      type: "gates-passed",
      stepIndex: 0,
    });
  };
  const freeze = (service: string, title: string) =>
    declareIncident(demo.services, demo.actor("release_manager"), {
      title,
      severity: "sev2",
      services: [service],
    });

  beforeAll(async () => {
    demo = await createDemoFixture();
    // Every running rollout has a fresh interval of samples.
    const simulator = startSimulator(demo.services, { intervalSeconds: 10, random: seededRandom(5) });
    demo.advanceClock(10_000);
    await simulator.tick();
    await simulator.stop();
  });
  afterAll(() => demo.database.drop());

  it("judges a holding rollout again only after new samples, a command, or when time moves its judgement", async () => {
    const all = await holding();
    expect(all.length).toBeGreaterThan(2);
    expect(await beat()).toEqual(all);

    demo.advanceClock(1_000);
    expect(await beat()).toEqual([]);

    const [sampled, commanded] = all as [string, string];
    const row = await demo.database.db.rollout.findUniqueOrThrow({ where: { id: sampled } });
    await ingestHealthy(row, [demo.services.now().getTime()], 6);
    expect(await beat()).toEqual([sampled]);

    await runRolloutCommand(demo.services, demo.actor("operator"), commanded, { type: "pause" });
    await runRolloutCommand(demo.services, demo.actor("operator"), commanded, { type: "resume" });
    expect(await beat()).toEqual([commanded]);

    // Silent past the outage limit (15 s at 10-s intervals): each is judged once as an outage, not per beat.
    demo.advanceClock(20_000);
    expect(await beat()).toEqual(all);
    demo.advanceClock(1_000);
    expect(await beat()).toEqual([]);
  });

  it("acts on a remembered verdict once the hold is over, without judging again", async () => {
    const [id] = await holding();
    const rollout = await demo.database.db.rollout.findUniqueOrThrow({ where: { id: id as string } });
    const holdUntil = rollout.holdUntil?.getTime() ?? 0;
    // A source whose clock runs ahead delivers the interval that ends the hold 5 s early.
    const now = demo.services.now().getTime();
    expect(holdUntil - 5_000).toBeGreaterThan(now);
    demo.advanceClock(holdUntil - 5_000 - now);
    const ends: number[] = [];
    for (let end = holdUntil; end > now - 20_000; end -= 10_000) ends.push(end);
    await ingestHealthy(rollout, ends, 8);
    expect(await beat()).toContain(rollout.id);
    const version = async () =>
      (await demo.database.db.rollout.findUniqueOrThrow({ where: { id: rollout.id } })).version;
    // Judged at the hold's end, but the hold is not over on the wall clock: nothing to do yet.
    expect(await version()).toBe(rollout.version);

    demo.advanceClock(6_000);
    expect(await beat()).not.toContain(rollout.id);
    // The step passed or its hold was extended: either way the remembered verdict became a command.
    expect(await version()).toBeGreaterThan(rollout.version);
  });
  it("leaves a frozen service's ramp alone without a transaction, and ramps it once the freeze lifts", async () => {
    const operator = demo.actor("release_manager");
    const deploy = { service: "ledger", environment: "production", version: "2.0.0", artifact: "ledger:2" };
    await registerDeploy(demo.services, operator, deploy);
    const steps = plan([10, 50]);
    const { id } = await createRollout(demo.services, operator, { ...deploy, mechanism: "canary", steps });
    await runRolloutCommand(demo.services, operator, id, { type: "start" });
    await passFirstStep(id);
    const incident = await freeze("ledger", "ledger errors");

    let transactions = 0;
    const counting = {
      ...demo.services,
      db: new Proxy(demo.database.db, {
        get(target, prop, receiver) {
          if (prop === "$transaction") transactions++;
          return Reflect.get(target, prop, receiver);
        },
      }),
    };
    await progressRollouts(counting, countingJudge, { only: [id] });
    expect(transactions).toBe(0);
    const stateOf = () =>
      demo.database.db.rollout.findUniqueOrThrow({
        where: { id },
        select: { phase: true, currentStep: true },
      });
    expect(await stateOf()).toEqual({ phase: "ramping", currentStep: 0 });

    await resolveIncident(demo.services, operator, { id: incident.id });
    await progressRollouts(counting, countingJudge, { only: [id] });
    expect(await stateOf()).toEqual({ phase: "holding", currentStep: 1 });
  });

  it("judges a resumed hold on the traffic after the pause: a split a human fixed does not pause it again", async () => {
    const operator = demo.actor("release_manager");
    const deploy = { service: "orders", environment: "production", version: "3.0.0", artifact: "orders:3" };
    await registerDeploy(demo.services, operator, deploy);
    const steps = [{ exposurePercent: 10, holdSeconds: 600, requiresApproval: false }];
    const { id } = await createRollout(demo.services, operator, { ...deploy, mechanism: "canary", steps });
    await runRolloutCommand(demo.services, operator, id, { type: "start" });
    const stateOf = () =>
      demo.database.db.rollout.findUniqueOrThrow({ where: { id }, select: { state: true, phase: true } });
    /** `n` ten-second intervals from now on, the clock moved to the end of the last. */
    const nextIntervals = (n: number) => {
      const from = demo.services.now().getTime();
      demo.advanceClock(n * 10_000);
      return Array.from({ length: n }, (_, k) => from + (k + 1) * 10_000);
    };

    // The router sends the canary 30% of requests where Sluice set 10%.
    await ingestHealthy({ id, exposurePercent: 30 }, nextIntervals(6), 21);
    await progressRollouts(demo.services, countingJudge, { only: [id] });
    expect(await stateOf()).toEqual({ state: "paused", phase: "holding" });
    const pause = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: id, action: "rollout.paused" },
    });
    expect(pause.reason).toMatch(/sample-ratio mismatch/);

    // Someone fixes the routing and resumes: the hold restarts on traffic split as set.
    await runRolloutCommand(demo.services, operator, id, { type: "resume" });
    await ingestHealthy({ id, exposurePercent: 10 }, nextIntervals(6), 22);
    await progressRollouts(demo.services, countingJudge, { only: [id] });
    expect(await stateOf()).toEqual({ state: "running", phase: "holding" });
  });

  it("still judges live exposure outside a hold: a critical failure rolls back a paused or frozen rollout", async () => {
    const manager = demo.actor("release_manager");
    let verdict: StepVerdict = { kind: "degraded", failedGates: ["latency-p99"], reason: "p99 +8%" };
    const judge: StepJudge = async () => ({ verdict, standsUntil: 0 });
    const rolloutOf = async (service: string) => {
      const deploy = { service, environment: "production", version: "5.0.0", artifact: `${service}:5` };
      await registerDeploy(demo.services, manager, deploy);
      const steps = plan([10, 50, 100]);
      const { id } = await createRollout(demo.services, manager, { ...deploy, mechanism: "canary", steps });
      await runRolloutCommand(demo.services, manager, id, { type: "start" });
      return id;
    };
    const stateOf = (id: string) =>
      demo.database.db.rollout.findUniqueOrThrow({
        where: { id },
        select: { state: true, phase: true, exposurePercent: true },
      });

    // A non-critical failure pauses the first; a human pauses the second; the third passed its step and
    // waits out an incident at 10%.
    const degraded = await rolloutOf("inventory");
    await progressRollouts(demo.services, judge, { only: [degraded] });
    const paused = await rolloutOf("pricing");
    await runRolloutCommand(demo.services, manager, paused, { type: "pause", reason: "looking" });
    const frozen = await rolloutOf("shipping");
    await passFirstStep(frozen);
    const incident = await freeze("shipping", "shipping slow");
    const watched = [degraded, paused, frozen];
    // Nothing a hold decides acts on them (not another pause, not a pass), but a non-critical failure
    // pauses the frozen one: it must not ramp on when the freeze lifts.
    for (const quiet of [verdict, { kind: "pause", reason: "split" }, { kind: "promote" }] as const) {
      verdict = quiet;
      demo.advanceClock(10_000);
      await progressRollouts(demo.services, judge, { only: watched });
    }
    expect(await Promise.all(watched.map(stateOf))).toEqual([
      { state: "paused", phase: "holding", exposurePercent: 10 },
      { state: "paused", phase: "holding", exposurePercent: 10 },
      { state: "paused", phase: "ramping", exposurePercent: 10 },
    ]);

    verdict = { kind: "rollback", failedGates: ["error-rate"], reason: "error rate ×12" };
    demo.advanceClock(10_000);
    await progressRollouts(demo.services, judge, { only: watched });
    // The frozen one's 10% had passed, so it is known bad now: back to the plan's exposure below it.
    expect(await Promise.all(watched.map(stateOf))).toEqual([
      { state: "rolled_back", phase: null, exposurePercent: 0 },
      { state: "rolled_back", phase: null, exposurePercent: 0 },
      { state: "rolled_back", phase: null, exposurePercent: 0 },
    ]);
    await resolveIncident(demo.services, manager, { id: incident.id });
  });

  it("judges the passed step while the next awaits approval, and rolls it back below on a critical failure", async () => {
    const manager = demo.actor("release_manager");
    const deploy = { service: "catalog", environment: "production", version: "6.0.0", artifact: "catalog:6" };
    await registerDeploy(demo.services, manager, deploy);
    const steps = plan([5, 25, 100], [2]);
    const { id } = await createRollout(demo.services, manager, { ...deploy, mechanism: "canary", steps });
    await runRolloutCommand(demo.services, manager, id, { type: "start" });
    const judgedSteps: number[] = [];
    let verdict: StepVerdict = { kind: "promote" };
    const judge: StepJudge = async (_ctx, rollout) => {
      judgedSteps.push(rollout.currentStep);
      return { verdict, standsUntil: 0 };
    };
    for (let beat = 0; beat < 4; beat++) {
      demo.advanceClock(60_000);
      await progressRollouts(demo.services, judge, { only: [id] });
    }
    const waiting = await demo.database.db.rollout.findUniqueOrThrow({ where: { id } });
    expect([waiting.phase, waiting.currentStep, waiting.exposurePercent]).toEqual([
      "awaiting_approval",
      2,
      25,
    ]);

    verdict = { kind: "rollback", failedGates: ["error-rate"], reason: "error rate ×9" };
    judgedSteps.length = 0;
    demo.advanceClock(10_000);
    await progressRollouts(demo.services, judge, { only: [id] });
    expect(judgedSteps).toEqual([2]);
    const after = await demo.database.db.rollout.findUniqueOrThrow({ where: { id } });
    // 25% had passed, so it is known bad now: back to the plan's 5%.
    expect([after.state, after.exposurePercent]).toEqual(["rolled_back", 5]);
    const rolledBack = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: id, action: "rollout.rolled-back" },
    });
    expect(rolledBack.reason).toMatch(/error-rate failed at step 2 \(25%\)/);
  });
});
