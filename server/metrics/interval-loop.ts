export interface IntervalLoopOptions {
  now: () => Date;
  intervalSeconds: number;
  /** How long after each interval's end to run (0: at once). */
  delaySeconds: number;
  /** Produces the samples of the interval ending at `intervalEnd` (epoch ms). */
  run: (intervalEnd: number) => Promise<unknown>;
  onError: (error: unknown) => void;
}

export interface IntervalLoop {
  /** Runs the newest ended interval now, after any run in flight (tests call it instead of waiting). */
  runNow(): Promise<void>;
  /** Stops the timer and waits for the run in flight. */
  stop(): Promise<void>;
}

/**
 * Runs once per interval, `delaySeconds` after each interval end, one run at a time. Interval ends are
 * aligned to the clock, so every instance, and a restarted one, names the same interval. A timer started
 * at an arbitrary phase would deliver each interval up to a whole interval late, which the analysis reads
 * as a metrics outage (judgement-point.ts).
 */
export function startIntervalLoop(options: IntervalLoopOptions): IntervalLoop {
  const intervalMs = options.intervalSeconds * 1000;
  const delayMs = options.delaySeconds * 1000;
  const newestEnded = () => Math.floor((options.now().getTime() - delayMs) / intervalMs) * intervalMs;
  // The interval before the start counts as run: the first run is at the next interval's end.
  let lastRun = newestEnded();
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  function enqueue(intervalEnd: number): Promise<void> {
    const result = running.then(() => options.run(intervalEnd)).then(() => {});
    running = result.catch(() => {});
    return result;
  }

  // Due at the end of the interval after the last one run, not at one computed from a second clock reading:
  // a timer may fire a moment early by the clock (Node measures it from a stale event-loop time), and by
  // the time it re-arms the end has passed, which would skip that interval.
  function schedule() {
    if (stopped) return;
    const due = lastRun + intervalMs + delayMs;
    timer = setTimeout(
      () => {
        const intervalEnd = newestEnded();
        if (intervalEnd > lastRun) {
          lastRun = intervalEnd;
          enqueue(intervalEnd).catch(options.onError);
        }
        running.finally(schedule);
      },
      Math.max(0, due - options.now().getTime()),
    );
  }
  schedule();

  return {
    runNow: () => enqueue(newestEnded()),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
