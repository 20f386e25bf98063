import { describe, expect, it } from "vitest";
import { LongWindowSums } from "./long-window-sums";

const MIN = 60_000;

describe("long-window sums kept between slo-watch beats", () => {
  const parts = (at: number, total: number) => ({ at, bySpan: new Map([[86_400_000, { total, bad: 1 }]]) });

  it("are reused for under five minutes, never from the future, and swept once too old", () => {
    const kept = new LongWindowSums();
    kept.set("a", parts(10 * MIN, 100));
    expect(kept.get("a", 10 * MIN)?.bySpan.get(86_400_000)).toEqual({ total: 100, bad: 1 });
    expect(kept.get("a", 15 * MIN - 1)?.at).toBe(10 * MIN);
    expect(kept.get("a", 15 * MIN)).toBeUndefined();
    // A clock that stepped back does not reuse a sum taken after "now".
    expect(kept.get("a", 9 * MIN)).toBeUndefined();
    expect(kept.get("b", 10 * MIN)).toBeUndefined();
    kept.set("b", parts(14 * MIN, 7));
    kept.sweep(15 * MIN);
    expect(kept.get("a", 10 * MIN)).toBeUndefined();
    expect(kept.get("b", 15 * MIN)?.bySpan.get(86_400_000)?.total).toBe(7);
  });
});
