import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGates } from "../../domain/analysis";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../app-router";
import { createCallerFactory } from "../init";

const createCaller = createCallerFactory(appRouter);
// The fixture's clock; the seed replays each demo rollout's passed steps (5-minute holds) up to a minute ago.
const NOW = Date.parse("2026-11-27T10:00:00Z");
const minutesAgo = (m: number) => NOW - m * 60_000;

describe("the rollout screen's chart marks and mechanism view", () => {
  let demo: DemoFixture;
  const viewer = () => createCaller({ actor: demo.actor("viewer"), services: demo.services });

  beforeAll(async () => {
    demo = await createDemoFixture(new Date(NOW));
  });
  afterAll(() => demo.database.drop());

  it("places a boundary at each step the rollout entered, labelled with its exposure", async () => {
    const marks = await viewer().rollouts.chartMarks({ id: demo.rollouts.search as string });
    // search passed two 5-minute steps: started 11 minutes ago, then 6 and 1 minute ago.
    expect(marks.boundaries).toEqual([
      { t: minutesAgo(11), kind: "step", stepIndex: 0, label: "Step 1 · 1%" },
      { t: minutesAgo(6), kind: "step", stepIndex: 1, label: "Step 2 · 5%" },
      { t: minutesAgo(1), kind: "step", stepIndex: 2, label: "Step 3 · 25%" },
    ]);
    expect(marks.steps.map((s) => s.label)).toEqual([
      "Step 1 · 1%",
      "Step 2 · 5%",
      "Step 3 · 25%",
      "Step 4 · 50%",
      "Step 5 · 100%",
    ]);
    expect(marks.steps[2]?.margins.errorRate).toEqual({
      badDirection: "higher",
      minRelativeChange: 0.25,
      minAbsoluteChange: 0.0007,
    });
    const rings = await viewer().rollouts.chartMarks({ id: demo.rollouts.payments as string });
    expect(rings.boundaries).toEqual([
      { t: minutesAgo(1), kind: "step", stepIndex: 0, label: "internal · 2%" },
    ]);
  });

  it("marks where a gate's verdict changed, and a kill as a boundary", async () => {
    const id = demo.rollouts["checkout-api"] as string;
    const verdicts = (errorRate: string) =>
      defaultGates().map((g) => ({
        gate: g.name,
        metric: g.metric,
        critical: true,
        verdict: g.name === "error-rate" ? errorRate : "pass",
        detail: `${g.name} judged`,
        evidence: 1,
      }));
    await demo.database.db.stepEvaluation.createMany({
      data: ["inconclusive", "pass", "pass"].map((errorRate, i) => ({
        rolloutId: id,
        stepIndex: 1,
        intervalEnd: new Date(minutesAgo(1) + (i + 1) * 10_000),
        at: new Date(NOW),
        decision: "continue",
        reason: "hold not over",
        gates: verdicts(errorRate),
      })),
    });
    const marks = await viewer().rollouts.chartMarks({ id });
    const errorRate = marks.verdicts.filter((v) => v.metric === "errorRate");
    expect(errorRate.map((v) => [v.t, v.verdict])).toEqual([
      [minutesAgo(1) + 10_000, "inconclusive"],
      [minutesAgo(1) + 20_000, "pass"],
    ]);
    // p95, p99 and conversion passed throughout: one marker each; latency-shift has no chart.
    expect(marks.verdicts.filter((v) => v.metric !== "errorRate").map((v) => v.gate)).toEqual([
      "latency-p95",
      "latency-p99",
      "conversion",
    ]);

    const operator = createCaller({ actor: demo.actor("operator"), services: demo.services });
    await operator.rollouts.kill({ id, reason: "chart drill" });
    const after = await viewer().rollouts.chartMarks({ id });
    expect(after.boundaries.at(-1)).toEqual({
      t: NOW,
      kind: "rollback",
      stepIndex: null,
      label: "Rolled back to 1%",
    });
  });

  it("shows each mechanism's own view now and at last-known-good", async () => {
    const view = (service: string) => viewer().rollouts.mechanism({ id: demo.rollouts[service] as string });

    const canary = await view("checkout-api");
    expect(canary.current).toEqual({
      mechanism: "canary",
      exposurePercent: 1,
      canaryWeight: 1,
      stableWeight: 99,
    });

    const flag = await view("search");
    expect(flag.current).toEqual({ mechanism: "flag", exposurePercent: 25, basisPoints: 2500 });
    expect(flag.lastKnownGood).toEqual({ mechanism: "flag", exposurePercent: 5, basisPoints: 500 });
    expect(flag.flag).toMatchObject({
      key: "search.semantic-ranking",
      rules: [],
      percentage: { variant: "on", percent: 25 },
      enabled: true,
      killed: false,
    });
    expect(flag.flagAtLastKnownGood?.percentage).toMatchObject({ variant: "on", percent: 5 });

    const ring = await view("payments");
    expect(ring.rings).toEqual([
      {
        name: "internal",
        exposurePercent: 2,
        members: [{ kind: "segment", id: "staff" }],
        exposed: true,
        exposedAtLastKnownGood: false,
      },
      {
        name: "early",
        exposurePercent: 20,
        members: [
          { kind: "segment", id: "beta-testers" },
          { kind: "segment", id: "eu-west" },
        ],
        exposed: false,
        exposedAtLastKnownGood: false,
      },
      {
        name: "broad",
        exposurePercent: 100,
        members: [{ kind: "segment", id: "everyone" }],
        exposed: false,
        exposedAtLastKnownGood: false,
      },
    ]);
    expect(ring.flag).toBeNull();

    const blueGreen = await view("profile");
    expect(blueGreen.current).toEqual({
      mechanism: "blue-green",
      exposurePercent: 0,
      activeColour: "blue",
      idleColour: "green",
    });
    expect(blueGreen.rings).toEqual([]);
  });

  it("names a missing rollout", async () => {
    await expect(viewer().rollouts.mechanism({ id: "missing" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No rollout with id missing",
    });
    await expect(viewer().rollouts.chartMarks({ id: "missing" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
