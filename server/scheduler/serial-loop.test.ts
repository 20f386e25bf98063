import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startSerialLoop } from "./serial-loop";

describe("a serial loop whose beats are slower than its interval", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Work that takes 250 ms; counts the beats started and the most running at once. */
  function slowWork() {
    const seen = { started: 0, running: 0, mostAtOnce: 0 };
    const work = async () => {
      seen.started++;
      seen.running++;
      seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.running);
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen.running--;
    };
    return { seen, work };
  }

  it("runs one beat at a time and lets at most one more wait, so stopping waits for one beat only", async () => {
    const { seen, work } = slowWork();
    const loop = startSerialLoop(work, { intervalMs: 50, onError: () => {} });
    await vi.advanceTimersByTimeAsync(1000);
    // Twenty ticks: a beat runs back to back with the next, about one every 250 ms.
    expect(seen.started).toBeGreaterThanOrEqual(3);
    expect(seen.started).toBeLessThanOrEqual(5);
    expect(seen.mostAtOnce).toBe(1);

    const startedBeforeStop = seen.started;
    const stopping = loop.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    await stopping;
    // The beat running at the stop finishes; nothing queued behind it starts.
    expect(seen.started).toBe(startedBeforeStop);
    expect(seen.running).toBe(0);
  });

  it("runs other enqueued work in the same line as the beats, and a failure does not stop the next beat", async () => {
    const order: string[] = [];
    let fail = true;
    const errors: unknown[] = [];
    const loop = startSerialLoop(
      async () => {
        order.push("beat");
        if (fail) {
          fail = false;
          throw new Error("database away");
        }
      },
      { intervalMs: 100, onError: (e) => errors.push(e) },
    );
    await vi.advanceTimersByTimeAsync(100);
    await loop.enqueue(async () => {
      order.push("other");
    });
    await vi.advanceTimersByTimeAsync(100);
    await loop.stop();
    expect(order).toEqual(["beat", "other", "beat"]);
    expect(errors).toEqual([new Error("database away")]);
  });
});
