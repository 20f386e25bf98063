import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGates } from "../../domain/analysis";
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
import { type JudgementMemo, progressRollouts, type StepJudge } from "./progress-rollouts";
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
  /** Stores ten-second intervals of a rollout, ending at each of `ends`: healthy, or with a regression. */
  const ingestIntervals = async (
    rollout: { id: string; exposurePercent: number },
    ends: number[],
    seed: number,
    regression = NO_REGRESSION,
  ) => {
    const random = seededRandom(seed);
    const samples = ends.flatMap((intervalEnd) =>
      simulateInterval({
        rolloutId: rollout.id,
        intervalEnd,
        intervalSeconds: 10,
        exposurePercent: rollout.exposurePercent,
        profile: DEMO_PROFILE,
        regression,
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
    await ingestIntervals(row, [demo.services.now().getTime()], 6);
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
    await ingestIntervals(rollout, ends, 8);
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
    const steps = [10, 50].map((exposurePercent) => ({
      exposurePercent,
      holdSeconds: 60,
      requiresApproval: false,
    }));
    const { id } = await createRollout(demo.services, operator, { ...deploy, mechanism: "canary", steps });
    await runRolloutCommand(demo.services, operator, id, { type: "start" });
    demo.advanceClock(60_000);
    await runRolloutCommand(demo.services, systemActor("evaluator"), id, {
      type: "gates-passed",
      stepIndex: 0,
    });
    const incident = await declareIncident(demo.services, operator, {
      title: "ledger errors",
      severity: "sev2",
      services: ["ledger"],
    });

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
    await ingestIntervals({ id, exposurePercent: 30 }, nextIntervals(6), 21);
    await progressRollouts(demo.services, countingJudge, { only: [id] });
    expect(await stateOf()).toEqual({ state: "paused", phase: "holding" });
    const pause = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: id, action: "rollout.paused" },
    });
    expect(pause.reason).toMatch(/sample-ratio mismatch/);

    // Someone fixes the routing and resumes: the hold restarts on traffic split as set.
    await runRolloutCommand(demo.services, operator, id, { type: "resume" });
    await ingestIntervals({ id, exposurePercent: 10 }, nextIntervals(6), 22);
    await progressRollouts(demo.services, countingJudge, { only: [id] });
    expect(await stateOf()).toEqual({ state: "running", phase: "holding" });
  });

  it("pauses a holding step at once when a non-critical gate fails, and rolls nothing back", async () => {
    const manager = demo.actor("release_manager");
    const deploy = { service: "reviews", environment: "production", version: "4.0.0", artifact: "reviews:4" };
    await registerDeploy(demo.services, manager, deploy);
    const gates = defaultGates().map((gate) => ({ ...gate, critical: false }));
    const steps = [{ exposurePercent: 25, holdSeconds: 3_600, requiresApproval: false, gates }];
    const { id } = await createRollout(demo.services, manager, { ...deploy, mechanism: "canary", steps });
    await runRolloutCommand(demo.services, manager, id, { type: "start" });
    const from = demo.services.now().getTime();
    const ends = Array.from({ length: 12 }, (_, k) => from + (k + 1) * 10_000);
    demo.advanceClock(12 * 10_000);
    await ingestIntervals({ id, exposurePercent: 25 }, ends, 31, { ...NO_REGRESSION, errorMultiplier: 8 });
    await progressRollouts(demo.services, judgeStep, { only: [id] });
    const after = await demo.database.db.rollout.findUniqueOrThrow({ where: { id } });
    expect([after.state, after.phase, after.exposurePercent]).toEqual(["paused", "holding", 25]);
    const pause = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: id, action: "rollout.paused" },
    });
    expect(pause.reason).toMatch(
      /^error-rate(, [a-z0-9-]+)* failed at step 1 \(25%\): non-critical gate failed: error-rate \(/,
    );
  });
});
