import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { errorRateGate } from "./rollout-fixtures";
import {
  blueGreenPlan,
  DEFAULT_CANARY_RAMP,
  defaultCanaryPlan,
  isHighRisk,
  validatePlan,
} from "./rollout-plan";
import type { PlanStep } from "./rollout-types";

const step = (exposurePercent: number, extra: Partial<PlanStep> = {}): PlanStep => ({
  exposurePercent,
  holdSeconds: 60,
  requiresApproval: false,
  gates: [errorRateGate],
  ...extra,
});

function refusal(fn: () => void): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("validatePlan", () => {
  it("accepts the default canary ramp", () => {
    const steps = defaultCanaryPlan({ gates: [errorRateGate] });
    expect(steps.map((s) => s.exposurePercent)).toEqual([...DEFAULT_CANARY_RAMP]);
    expect(() => validatePlan(steps, { highRisk: true, mechanism: "canary" })).not.toThrow();
  });

  it("names the step and field of a missing hold", () => {
    const e = refusal(() =>
      validatePlan([step(1), step(5), step(25, { holdSeconds: 0 })], {
        highRisk: false,
        mechanism: "canary",
      }),
    );
    expect(e.code).toBe("BAD_INPUT");
    expect(e.field).toBe("steps[2].holdSeconds");
    expect(e.message).toMatch(/^steps\[2\]\.holdSeconds: /);
    const missing = { ...step(5) } as Partial<PlanStep>;
    delete missing.holdSeconds;
    expect(refusal(() => validatePlan([missing as PlanStep], { highRisk: false })).field).toBe(
      "steps[0].holdSeconds",
    );
  });

  it("requires a gate on every step", () => {
    expect(refusal(() => validatePlan([step(10), step(100, { gates: [] })], { highRisk: false })).field).toBe(
      "steps[1].gates",
    );
  });

  it("requires strictly increasing exposures within 0..100", () => {
    expect(refusal(() => validatePlan([step(10), step(10)], { highRisk: false })).field).toBe(
      "steps[1].exposurePercent",
    );
    expect(refusal(() => validatePlan([step(50), step(20)], { highRisk: false })).message).toMatch(
      /steps\[1\]\.exposurePercent: must be greater than steps\[0\] \(50%\)/,
    );
    expect(refusal(() => validatePlan([step(10), step(101)], { highRisk: false })).field).toBe(
      "steps[1].exposurePercent",
    );
    expect(refusal(() => validatePlan([step(0.001)], { highRisk: false })).field).toBe(
      "steps[0].exposurePercent",
    );
    expect(refusal(() => validatePlan([], { highRisk: false })).field).toBe("steps");
  });

  it("refuses a high-risk jump straight to 100%", () => {
    expect(() => validatePlan([step(100)], { highRisk: false })).not.toThrow();
    const e = refusal(() => validatePlan([step(100)], { highRisk: true, riskTags: ["payment"] }));
    expect(e.field).toBe("steps[0].exposurePercent");
    expect(e.message).toMatch(/high-risk rollout \(payment\) may not jump straight to 100%/);
    expect(() => validatePlan([step(10), step(100)], { highRisk: true })).not.toThrow();
  });

  it("classifies risk tags", () => {
    expect(isHighRisk(["ui", "auth"])).toBe(true);
    expect(isHighRisk(["ui"])).toBe(false);
  });

  it("requires a ring with members on every step of a ring rollout", () => {
    const ring = (name: string) => ({ name, members: [{ kind: "tenant" as const, id: `${name}-t` }] });
    const ok = [
      step(1, { ring: ring("internal") }),
      step(20, { ring: ring("early") }),
      step(100, { ring: ring("broad") }),
    ];
    expect(() => validatePlan(ok, { highRisk: false, mechanism: "ring" })).not.toThrow();
    expect(refusal(() => validatePlan([step(1)], { highRisk: false, mechanism: "ring" })).field).toBe(
      "steps[0].ring",
    );
    expect(
      refusal(() =>
        validatePlan([step(1, { ring: { name: "x", members: [] } })], { highRisk: false, mechanism: "ring" }),
      ).field,
    ).toBe("steps[0].ring.members");
    expect(refusal(() => validatePlan(ok, { highRisk: false, mechanism: "canary" })).field).toBe(
      "steps[0].ring",
    );
  });

  it("requires blue-green to be 0% then 100%", () => {
    expect(() =>
      validatePlan(blueGreenPlan({ gates: [errorRateGate] }), { highRisk: true, mechanism: "blue-green" }),
    ).not.toThrow();
    expect(
      refusal(() => validatePlan([step(50), step(100)], { highRisk: false, mechanism: "blue-green" })).field,
    ).toBe("steps");
    expect(
      refusal(() => validatePlan([step(0), step(100)], { highRisk: false, mechanism: "canary" })).field,
    ).toBe("steps[0].exposurePercent");
  });
});
