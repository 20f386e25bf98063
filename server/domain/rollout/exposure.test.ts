import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { deriveExposure } from "./exposure";
import { newRolloutDraft } from "./new-rollout";
import { canaryDraft, ctx, errorRateGate, evaluator, T0 } from "./rollout-fixtures";
import { blueGreenPlan } from "./rollout-plan";
import type { PlanStep, RolloutSnapshot } from "./rollout-types";

const ringSteps: PlanStep[] = ["internal", "early", "broad"].map((name, i) => ({
  exposurePercent: [2, 20, 100][i] ?? 100,
  holdSeconds: 60,
  requiresApproval: false,
  gates: [errorRateGate],
  ring: { name, members: [{ kind: "segment", id: `${name}-users` }] },
}));

describe("deriveExposure", () => {
  it("maps a flag to basis points and a canary to traffic weights", () => {
    const flag = { ...canaryDraft(), mechanism: "flag" as const, exposurePercent: 12.5 };
    expect(deriveExposure(flag)).toEqual({ mechanism: "flag", exposurePercent: 12.5, basisPoints: 1250 });
    expect(deriveExposure({ ...canaryDraft(), exposurePercent: 25 })).toEqual({
      mechanism: "canary",
      exposurePercent: 25,
      canaryWeight: 25,
      stableWeight: 75,
    });
  });

  it("exposes rings cumulatively, including after a revert", () => {
    const r = newRolloutDraft({
      id: "r",
      serviceId: "s",
      environment: "production",
      mechanism: "ring",
      steps: ringSteps,
    });
    expect(deriveExposure(r)).toMatchObject({ ringIndex: -1, exposedRings: [] });
    const at20 = deriveExposure({ ...r, exposurePercent: 20 });
    expect(at20).toMatchObject({ ringIndex: 1 });
    expect(at20.mechanism === "ring" && at20.exposedRings.map((x) => x.name)).toEqual(["internal", "early"]);
  });

  it("switches blue-green colours at cutover and back on kill", () => {
    let r: RolloutSnapshot = newRolloutDraft({
      id: "bg",
      serviceId: "s",
      environment: "production",
      mechanism: "blue-green",
      steps: blueGreenPlan({ gates: [errorRateGate], preCutoverHoldSeconds: 60, holdSeconds: 60 }),
      tags: ["payment"],
    });
    r = decide(r, { type: "start" }, ctx(T0)).next;
    expect(deriveExposure(r)).toMatchObject({ activeColour: "blue", idleColour: "green" });
    r = decide(r, { type: "gates-passed", stepIndex: 0 }, ctx(T0 + 60_000, evaluator)).next;
    r = decide(r, { type: "advance" }, ctx(T0 + 60_000)).next;
    expect(deriveExposure(r)).toMatchObject({
      exposurePercent: 100,
      activeColour: "green",
      idleColour: "blue",
    });
    r = decide(r, { type: "kill" }, ctx(T0 + 61_000)).next;
    expect(deriveExposure(r)).toMatchObject({ exposurePercent: 0, activeColour: "blue" });
  });
});
