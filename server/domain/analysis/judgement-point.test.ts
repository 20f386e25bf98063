import { describe, expect, it } from "vitest";
import { judgementPoint } from "./judgement-point";

const at = (newest: number, now: number, intervalSeconds = 10, holdSeconds = 300) =>
  judgementPoint({ newest, now, intervalSeconds, holdSeconds });

describe("where a holding step is judged", () => {
  it("judges the newest interval while the source keeps up, a late one included", () => {
    // Outage limit: 1.5 intervals (15 s), never under 5 s.
    expect(at(100, 103)).toEqual({ at: 100, standsUntil: 115 });
    expect(at(100, 115)).toEqual({ at: 100, standsUntil: 115 });
    expect(at(10, 14, 1)).toEqual({ at: 10, standsUntil: 15 });
  });

  it("judges a silent source half an interval past each whole interval since its newest sample", () => {
    // 16 s of silence: one whole interval (10 s) and a half past it.
    expect(at(100, 116)).toEqual({ at: 115, standsUntil: 125 });
    expect(at(100, 124.9)).toEqual({ at: 115, standsUntil: 125 });
    expect(at(100, 125)).toEqual({ at: 125, standsUntil: 135 });
  });

  it("judges at the hold's end once it has passed, and not before", () => {
    // Hold of 300 s: silence from 270 s is judged at 285 and 295 s, then at the hold's end.
    expect(at(270, 294)).toEqual({ at: 285, standsUntil: 295 });
    expect(at(270, 299)).toEqual({ at: 295, standsUntil: 300 });
    expect(at(270, 300)).toEqual({ at: 300, standsUntil: 305 });
    expect(at(270, 306)).toEqual({ at: 305, standsUntil: 315 });
  });

  it("stays where it is at every clock before standsUntil", () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let run = 0; run < 2000; run++) {
      const intervalSeconds = [1, 5, 10, 30][Math.floor(random() * 4)] as number;
      const holdSeconds = intervalSeconds * (5 + Math.floor(random() * 60));
      const newest = Math.floor(random() * holdSeconds);
      const now = newest + random() * holdSeconds;
      const point = judgementPoint({ newest, now, intervalSeconds, holdSeconds });
      expect(point.standsUntil).toBeGreaterThan(now - 1e-9);
      for (let k = 1; k <= 10; k++) {
        const later = now + ((point.standsUntil - now) * k) / 10 - 1e-6;
        if (later < now) continue;
        expect(judgementPoint({ newest, now: later, intervalSeconds, holdSeconds }).at).toBe(point.at);
      }
    }
  });
});
