export interface SerialLoop {
  /** Runs the work now, after whatever is running (tests call it instead of waiting). */
  beat(): Promise<void>;
  /** Runs other work in the same line: never at the same time as a beat. */
  enqueue(work: () => Promise<void>): Promise<void>;
  /** Resolves when the work queued so far is done. */
  settled(): Promise<void>;
  /** Stops the timer and waits for the work running now; work still queued is dropped. */
  stop(): Promise<void>;
}

/**
 * Runs `work` every `intervalMs`, one piece of work at a time; a failed beat does not stop the next. A
 * beat slower than the interval is followed by one more beat, not by a queue of them that grows, and
 * that a leader stepping down would have to run through before it lets go.
 */
export function startSerialLoop(
  work: () => Promise<void>,
  options: { intervalMs: number; onError: (error: unknown) => void },
): SerialLoop {
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  let beatWaiting = false;
  const enqueue = (next: () => Promise<void>) => {
    current = current.catch(() => {}).then(() => (stopped ? undefined : next()));
    return current;
  };
  const timer = setInterval(() => {
    if (beatWaiting) return;
    beatWaiting = true;
    enqueue(() => {
      beatWaiting = false;
      return work();
    }).catch(options.onError);
  }, options.intervalMs);
  return {
    beat: () => enqueue(work),
    enqueue,
    settled: () => current.catch(() => {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await current.catch(() => {});
    },
  };
}
