import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_REGRESSION, simulateInterval } from "../metrics/simulated-traffic";
import { DEMO_PROFILE, startSimulator } from "../metrics/simulator";
import { judgeStep } from "../services/analysis/judge-step";
import { ingestSamples } from "../services/metrics/ingest-samples";
import { progressRollouts } from "../services/rollouts/progress-rollouts";
import { snapshotSelect, toSnapshot } from "../services/rollouts/rollout-snapshot";
import { setSimulatedRegression } from "../services/rollouts/set-simulated-regression";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { seededRandom } from "../testing/seeded-random";
import { startRolloutScheduler } from "./rollout-scheduler";

/** `intervals` simulated intervals for every running rollout, the clock moving on before each. */
async function simulateIntervals(
  demo: DemoFixture,
  options: { intervalSeconds: number; intervals: number; seed: number },
): Promise<void> {
  const simulator = startSimulator(demo.services, {
    intervalSeconds: options.intervalSeconds,
    random: seededRandom(options.seed),
  });
  try {
    for (let i = 0; i < options.intervals; i++) {
      demo.advanceClock(options.intervalSeconds * 1000);
      await simulator.tick();
    }
  } finally {
    await simulator.stop();
  }
}

/** Runs the live analysis of a rollout's current step now, as a beat would. */
async function judgeRollout(demo: DemoFixture, id: string): Promise<void> {
  const row = await demo.database.db.rollout.findUniqueOrThrow({ where: { id }, select: snapshotSelect });
  await judgeStep(demo.services, toSnapshot(row));
}

describe("the engine driven by live analysis", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  /** Ten-second intervals of simulated traffic, each followed by an engine beat. */
  async function run(intervals: number, until: () => Promise<boolean>) {
    const simulator = startSimulator(demo.services, { intervalSeconds: 10, random: seededRandom(42) });
    try {
      for (let i = 0; i < intervals; i++) {
        demo.advanceClock(10_000);
        await simulator.tick();
        await progressRollouts(demo.services, judgeStep);
        if (await until()) return;
      }
    } finally {
      await simulator.stop();
    }
  }

  it("rolls a regressed canary back on its own and says which gate failed, with numbers", async () => {
    const id = demo.rollouts["checkout-api"] as string;
    await setSimulatedRegression(demo.services, demo.actor("operator"), {
      id,
      errorMultiplier: 8,
      latencyShiftMs: 0,
      conversionDrop: 0,
    });
    const state = async () => (await demo.database.db.rollout.findUniqueOrThrow({ where: { id } })).state;
    await run(30, async () => (await state()) === "rolled_back");
    const rollout = await demo.database.db.rollout.findUniqueOrThrow({ where: { id } });
    expect(rollout).toMatchObject({ state: "rolled_back", exposurePercent: 1, lastKnownGoodPercent: 1 });
    const rollback = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: id, action: "rollout.rolled-back" },
    });
    expect(rollback.actor).toBe("system:evaluator");
    expect(rollback.reason).toMatch(
      /^error-rate failed at step 2 \(5%\): critical gate failed: error-rate \(canary .*\d/,
    );
    const evaluations = await demo.database.db.stepEvaluation.count({ where: { rolloutId: id } });
    expect(evaluations).toBeGreaterThan(0);
  });

  it("promotes a healthy canary step after its hold and ramps to the next", async () => {
    const id = demo.rollouts.search as string;
    const step = async () =>
      (await demo.database.db.rollout.findUniqueOrThrow({ where: { id } })).currentStep;
    const before = await step();
    await run(80, async () => (await step()) > before);
    const rollout = await demo.database.db.rollout.findUniqueOrThrow({ where: { id } });
    expect(rollout).toMatchObject({ state: "running", currentStep: before + 1, lastKnownGoodPercent: 25 });
    const passed = await demo.database.db.auditEvent.findFirst({
      where: { targetId: id, action: "rollout.step-passed" },
      orderBy: { id: "desc" },
    });
    expect(passed).toMatchObject({ actor: "system:evaluator", after: { event: { stepIndex: before } } });
    const advanced = await demo.database.db.auditEvent.findFirst({
      where: { targetId: id, action: "rollout.step-entered" },
      orderBy: { id: "desc" },
    });
    expect(advanced).toMatchObject({
      actor: "system:scheduler",
      after: { event: { stepIndex: before + 1 } },
    });
  });
});

describe("judging a source that runs late", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("judges an interval delivered a few seconds late as late, and silence past that as an outage", async () => {
    const id = demo.rollouts.payments as string;
    const judgeNow = async () => {
      await judgeRollout(demo, id);
      const latest = await demo.database.db.stepEvaluation.findFirstOrThrow({
        where: { rolloutId: id },
        orderBy: { id: "desc" },
      });
      return JSON.stringify(latest.gates);
    };
    // One-second intervals, as the end-to-end server runs them.
    await simulateIntervals(demo, { intervalSeconds: 1, intervals: 5, seed: 3 });
    // Three intervals without a new sample: a source running late, judged at its newest interval.
    demo.advanceClock(3_000);
    expect(await judgeNow()).not.toContain("metrics outage");
    // Six: an outage, and the gates say so.
    demo.advanceClock(3_000);
    expect(await judgeNow()).toContain("no canary sample for this interval (metrics outage)");
  });
});

describe("a silent source judged on every beat", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("stores and announces each silent interval once, not once per beat", async () => {
    const id = demo.rollouts.payments as string;
    await simulateIntervals(demo, { intervalSeconds: 10, intervals: 3, seed: 5 });
    const stored = () => demo.database.db.stepEvaluation.count({ where: { rolloutId: id } });
    const before = await stored();
    let announced = 0;
    const unsubscribe = demo.services.events.subscribe("verdict.recorded", (verdict) => {
      if (verdict.rolloutId === id) announced++;
    });
    try {
      // 45 one-second beats of silence: an outage from 15 s on, over three more 10-s intervals.
      for (let second = 0; second < 45; second++) {
        demo.advanceClock(1_000);
        await judgeRollout(demo, id);
      }
    } finally {
      unsubscribe();
    }
    const added = (await stored()) - before;
    expect(added).toBeGreaterThanOrEqual(3);
    expect(added).toBeLessThanOrEqual(5);
    expect(announced).toBe(added);
  });

  it("judges a late sample's interval on its own data, whatever was judged during the silence", async () => {
    const id = demo.rollouts["checkout-api"] as string;
    await simulateIntervals(demo, { intervalSeconds: 10, intervals: 3, seed: 6 });
    const newest = await demo.database.db.metricSample.findFirstOrThrow({
      where: { rolloutId: id },
      orderBy: { intervalEnd: "desc" },
    });
    // Silent for 16 s since the newest sample: an outage, judged while the next interval's sample is
    // still on its way.
    demo.advanceClock(newest.intervalEnd.getTime() + 16_000 - demo.services.now().getTime());
    await judgeRollout(demo, id);
    const lateEnd = newest.intervalEnd.getTime() + newest.intervalSeconds * 1000;
    const { exposurePercent } = await demo.database.db.rollout.findUniqueOrThrow({ where: { id } });
    await ingestSamples(
      demo.services,
      simulateInterval({
        rolloutId: id,
        intervalEnd: lateEnd,
        intervalSeconds: newest.intervalSeconds,
        exposurePercent,
        profile: DEMO_PROFILE,
        regression: NO_REGRESSION,
        random: seededRandom(9),
      }),
    );
    await judgeRollout(demo, id);
    const verdict = await demo.database.db.stepEvaluation.findFirst({
      where: { rolloutId: id, intervalEnd: new Date(lateEnd) },
    });
    expect(JSON.stringify(verdict?.gates ?? null)).not.toContain("metrics outage");
    expect(verdict?.gates).toBeTruthy();
  });
});

describe("a hold that ends before its last interval arrives", () => {
  // A fixture of its own: the judge reads the interval length from the rollout's samples.
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("waits for the interval that ends the hold instead of extending the hold", async () => {
    const id = demo.rollouts.search as string;
    const rollout = () => demo.database.db.rollout.findUniqueOrThrow({ where: { id } });
    const before = (await rollout()).currentStep;
    const simulator = startSimulator(demo.services, { intervalSeconds: 10, random: seededRandom(11) });
    try {
      // Each beat runs just before the interval that has just ended arrives: the data trails the clock.
      for (let i = 0; i < 80 && (await rollout()).currentStep === before; i++) {
        demo.advanceClock(10_000);
        await progressRollouts(demo.services, judgeStep);
        await simulator.tick();
      }
    } finally {
      await simulator.stop();
    }
    expect((await rollout()).currentStep).toBe(before + 1);
    const extended = await demo.database.db.auditEvent.count({
      where: { targetId: id, action: "rollout.hold-extended" },
    });
    expect(extended).toBe(0);
  });
});

describe("the scheduler", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("judges new metrics as they arrive, without waiting for a beat", async () => {
    const id = demo.rollouts["checkout-api"] as string;
    await setSimulatedRegression(demo.services, demo.actor("operator"), {
      id,
      errorMultiplier: 20,
      latencyShiftMs: 0,
      conversionDrop: 0,
    });
    // A beat once an hour: only the arrival of samples can drive the rollback here.
    const scheduler = startRolloutScheduler(demo.services, {
      judge: judgeStep,
      intervalMs: 3_600_000,
      onError: () => {},
    });
    const simulator = startSimulator(demo.services, { intervalSeconds: 10, random: seededRandom(7) });
    const state = async () => (await demo.database.db.rollout.findUniqueOrThrow({ where: { id } })).state;
    try {
      for (let i = 0; i < 30 && (await state()) !== "rolled_back"; i++) {
        demo.advanceClock(10_000);
        await simulator.tick();
        await scheduler.settled();
      }
    } finally {
      await simulator.stop();
      await scheduler.stop();
    }
    expect(await state()).toBe("rolled_back");
  });
});

describe("a metrics source outage", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("leaves a canary without samples inconclusive: its hold is extended once, then it pauses, never advances", async () => {
    const id = demo.rollouts["checkout-api"] as string;
    const row = () => demo.database.db.rollout.findUniqueOrThrow({ where: { id } });
    const before = await row();
    expect(before).toMatchObject({ state: "running", phase: "holding" });
    const lastEvent = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: id },
      orderBy: { id: "desc" },
      select: { id: true },
    });
    const random = seededRandom(11);
    // The source still reports the baseline; the canary's series has gone silent.
    const baselineOnly = async () => {
      const intervalEnd = Math.floor(demo.services.now().getTime() / 10_000) * 10_000;
      const samples = simulateInterval({
        rolloutId: id,
        intervalEnd,
        intervalSeconds: 10,
        exposurePercent: before.exposurePercent,
        profile: DEMO_PROFILE,
        regression: NO_REGRESSION,
        random,
      }).filter((sample) => sample.cohort === "baseline");
      await ingestSamples(demo.services, samples);
    };
    const scheduler = startRolloutScheduler(demo.services, {
      judge: judgeStep,
      intervalMs: 3_600_000, // beats are driven below, on the test's clock
      onError: () => {}, // only the hourly beat reports here; the awaited beats below throw
    });
    try {
      // Through the hold and its extension (the demo's holds are five minutes), ten seconds at a time.
      for (let i = 0; i < 200 && (await row()).state === "running"; i++) {
        demo.advanceClock(10_000);
        await baselineOnly();
        await scheduler.beat();
      }
    } finally {
      await scheduler.stop();
    }
    const after = await row();
    expect(after).toMatchObject({
      state: "paused",
      currentStep: before.currentStep,
      exposurePercent: before.exposurePercent,
      lastKnownGoodPercent: before.lastKnownGoodPercent,
    });
    const actions = (
      await demo.database.db.auditEvent.findMany({
        where: { targetId: id, id: { gt: lastEvent.id } },
        orderBy: { id: "asc" },
        select: { action: true, actor: true },
      })
    ).map((e) => `${e.actor} ${e.action}`);
    expect(actions).toEqual(["system:evaluator rollout.hold-extended", "system:evaluator rollout.paused"]);
    const verdicts = await demo.database.db.stepEvaluation.findMany({
      where: { rolloutId: id, stepIndex: before.currentStep },
      select: { decision: true },
    });
    expect(verdicts.map((v) => v.decision)).not.toContain("promote");
    expect(verdicts.map((v) => v.decision)).toContain("inconclusive");
  }, 300_000);
});
