import { describe, expect, it } from "vitest";
import { findFlagDebt, fullExposureSince } from "./flag-debt";
import { canaryDraft, T0 } from "./rollout-fixtures";

const DAY = 86_400_000;

describe("findFlagDebt", () => {
  const flags = [
    { key: "new-checkout", temporary: true, exposurePercent: 100, fullExposureSince: T0 - 30 * DAY },
    { key: "dark-mode", temporary: true, exposurePercent: 100, fullExposureSince: T0 - 8 * DAY },
    { key: "exactly-seven", temporary: true, exposurePercent: 100, fullExposureSince: T0 - 7 * DAY },
    { key: "half-way", temporary: true, exposurePercent: 50, fullExposureSince: null },
    { key: "kill-switch", temporary: false, exposurePercent: 100, fullExposureSince: T0 - 400 * DAY },
  ];

  it("lists temporary flags at 100% for longer than 7 days, oldest first, with their age", () => {
    expect(findFlagDebt(flags, T0)).toEqual([
      { key: "new-checkout", fullExposureSince: T0 - 30 * DAY, ageDays: 30 },
      { key: "dark-mode", fullExposureSince: T0 - 8 * DAY, ageDays: 8 },
    ]);
  });

  it("takes the threshold in days", () => {
    expect(findFlagDebt(flags, T0, { olderThanDays: 10 }).map((d) => d.key)).toEqual(["new-checkout"]);
  });

  it("derives the full-exposure time from a completed rollout only", () => {
    const completed = canaryDraft({
      state: "completed",
      currentStep: 4,
      exposurePercent: 100,
      stepStartedAt: T0,
    });
    expect(fullExposureSince(completed)).toBe(T0);
    expect(fullExposureSince({ ...completed, state: "running", phase: "holding" })).toBeNull();
  });
});
