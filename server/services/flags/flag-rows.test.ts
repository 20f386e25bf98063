import { describe, expect, it } from "vitest";
import { percentageOf } from "./flag-rows";

describe("percentageOf", () => {
  const flag = { percentageVariant: "on", percentage: 30 };
  const rollout = (exposurePercent: number) => ({ id: "r1", exposurePercent });

  it("serves the flag's own percentage while its rollout exposes less (a draft, a first step awaiting approval, a kill)", () => {
    expect(percentageOf(flag, rollout(0))).toEqual({ variant: "on", percent: 30, rolloutId: null });
    expect(percentageOf(flag, rollout(20))).toEqual({ variant: "on", percent: 30, rolloutId: null });
  });

  it("lets the rollout drive the flag from its own percentage up", () => {
    expect(percentageOf(flag, rollout(30))).toEqual({ variant: "on", percent: 30, rolloutId: "r1" });
    expect(percentageOf(flag, rollout(50))).toEqual({ variant: "on", percent: 50, rolloutId: "r1" });
  });

  it("lets a rollout drive a flag without a percentage of its own from 0%", () => {
    expect(percentageOf({ ...flag, percentage: null }, rollout(0))).toEqual({
      variant: "on",
      percent: 0,
      rolloutId: "r1",
    });
    expect(percentageOf({ ...flag, percentage: null }, null)).toBeNull();
    expect(percentageOf({ percentageVariant: null, percentage: null }, rollout(50))).toBeNull();
  });
});
