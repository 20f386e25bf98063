export interface SerialLoop {
  /** Runs the work now, after any beat still running (tests call it instead of waiting). */
  beat(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `work` every `intervalMs`, never two beats at once; a failed beat does not stop the next. */
export function startSerialLoop(
  work: () => Promise<void>,
  options: { intervalMs: number; onError: (error: unknown) => void },
): SerialLoop {
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  const beat = () => {
    current = current.catch(() => {}).then(work);
    return current;
  };
  const timer = setInterval(() => {
    beat().catch(options.onError);
  }, options.intervalMs);
  return {
    beat,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await current.catch(() => {});
    },
  };
}
