import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { holdRemainingMs, isHoldOver } from "./hold-clock";
import { canaryDraft, ctx, T0 } from "./rollout-fixtures";

describe("hold clock", () => {
  it("computes the remaining hold from the stored deadline, as after a restart", () => {
    const r = decide(canaryDraft(), { type: "start" }, ctx(T0)).next;
    const restored = JSON.parse(JSON.stringify(r)) as typeof r;
    expect(holdRemainingMs(restored, T0 + 45_000)).toBe(15_000);
    expect(isHoldOver(restored, T0 + 59_999)).toBe(false);
    expect(isHoldOver(restored, T0 + 60_000)).toBe(true);
    expect(holdRemainingMs(canaryDraft(), T0)).toBeNull();
    expect(holdRemainingMs({ ...r, state: "paused" }, T0)).toBeNull();
  });
});
