import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startIntervalLoop } from "./interval-loop";

// 7.3 s into a 10-s interval: a timer started now and repeated every 10 s would deliver each interval
// 7.3 s after it ended, past the analysis's outage limit of 5 s.
const START = Date.UTC(2026, 10, 28, 4, 0, 7, 300);
const INTERVAL_END = Date.UTC(2026, 10, 28, 4, 0, 10);

describe("interval loop", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
  });
  afterEach(() => vi.useRealTimers());

  const start = (delaySeconds: number, run: (end: number) => Promise<unknown>, onError = vi.fn()) =>
    startIntervalLoop({ now: () => new Date(), intervalSeconds: 10, delaySeconds, run, onError });

  it("runs each interval as it ends, whatever the phase it was started at", async () => {
    const runs: { intervalEnd: number; at: number }[] = [];
    const loop = start(0, async (intervalEnd) => runs.push({ intervalEnd, at: Date.now() }));
    await vi.advanceTimersByTimeAsync(30_000);
    await loop.stop();
    expect(runs).toEqual(
      [0, 10_000, 20_000].map((d) => ({ intervalEnd: INTERVAL_END + d, at: INTERVAL_END + d })),
    );
  });

  it("runs an interval whose timer fired a moment before its end by the clock", async () => {
    const skew: number[] = [];
    const ends: number[] = [];
    const loop = startIntervalLoop({
      now: () => new Date(Date.now() + (skew.shift() ?? 0)),
      intervalSeconds: 10,
      delaySeconds: 0,
      run: async (intervalEnd) => ends.push(intervalEnd),
      onError: vi.fn(),
    });
    await vi.advanceTimersByTimeAsync(3_000);
    skew.push(-1); // the next timer reads the clock 1 ms short of its interval's end, as a stale loop time does
    await vi.advanceTimersByTimeAsync(20_000);
    await loop.stop();
    expect(ends).toEqual([INTERVAL_END, INTERVAL_END + 10_000, INTERVAL_END + 20_000]);
  });

  it("waits the delay after each end, and names the interval that ended", async () => {
    const runs: { intervalEnd: number; at: number }[] = [];
    const loop = start(5, async (intervalEnd) => runs.push({ intervalEnd, at: Date.now() }));
    await vi.advanceTimersByTimeAsync(20_000);
    await loop.stop();
    expect(runs).toEqual([
      { intervalEnd: INTERVAL_END, at: INTERVAL_END + 5_000 },
      { intervalEnd: INTERVAL_END + 10_000, at: INTERVAL_END + 15_000 },
    ]);
  });

  it("reports a failed run and goes on with the next interval", async () => {
    const onError = vi.fn();
    const ends: number[] = [];
    const loop = start(
      0,
      async (intervalEnd) => {
        ends.push(intervalEnd);
        if (ends.length === 1) throw new Error("database away");
      },
      onError,
    );
    await vi.advanceTimersByTimeAsync(13_000);
    await loop.stop();
    expect(ends).toEqual([INTERVAL_END, INTERVAL_END + 10_000]);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(new Error("database away"));
  });

  it("runs the newest ended interval on demand, after the run in flight, and fails to its caller", async () => {
    const order: string[] = [];
    let release = () => {};
    const loop = start(0, async (intervalEnd) => {
      order.push(`start ${intervalEnd - INTERVAL_END}`);
      if (order.length === 1) await new Promise<void>((resolve) => (release = resolve));
      order.push(`end ${intervalEnd - INTERVAL_END}`);
      if (order.length > 2) throw new Error("refused");
    });
    await vi.advanceTimersByTimeAsync(2_700); // the timer's run for the interval ending at INTERVAL_END
    const demanded = loop.runNow();
    const outcome = demanded.then(
      () => "resolved",
      (error: Error) => error.message,
    );
    release();
    expect(await outcome).toBe("refused");
    expect(order).toEqual(["start 0", "end 0", "start 0", "end 0"]);
    await loop.stop();
  });

  it("stops: no run after stop, and stop waits for the run in flight", async () => {
    let finished = false;
    const loop = start(0, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      finished = true;
    });
    await vi.advanceTimersByTimeAsync(2_700);
    const stopped = loop.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopped;
    expect(finished).toBe(true);
    finished = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(finished).toBe(false);
  });
});
