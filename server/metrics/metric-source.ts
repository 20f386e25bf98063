import type { ServiceContext } from "../services/context";
import type { PrometheusQueries } from "./prometheus-queries";
import { startPrometheusSource } from "./prometheus-source";
import { startSimulator } from "./simulator";

/**
 * Where cohort samples come from. Every source writes through `ingestSamples`, the same path as the
 * push API, so storage, idempotency and the judging that follows are identical whatever the source.
 * See docs/decisions/0007-metric-sources.md.
 */
export interface MetricSource {
  readonly kind: MetricSourceConfig["kind"];
  start(): void;
  /** Stops the timer and waits for work in flight; safe to call twice. */
  stop(): Promise<void>;
}

export type MetricSourceConfig =
  | { kind: "simulator"; intervalSeconds: number; requestsPerSecond: number }
  /** Samples arrive on `POST /api/v1/metrics`; nothing runs here. */
  | { kind: "push" }
  | {
      kind: "prometheus";
      url: string;
      intervalSeconds: number;
      /** How long after an interval's end to query it, so the last scrapes are in. */
      queryDelaySeconds: number;
      timeoutMs: number;
      queries: PrometheusQueries;
    };

export function createMetricSource(
  ctx: ServiceContext,
  config: MetricSourceConfig,
  log: (line: string) => void,
): MetricSource {
  switch (config.kind) {
    case "simulator":
      return lazily(config.kind, () => {
        const simulator = startSimulator(ctx, {
          intervalSeconds: config.intervalSeconds,
          requestsPerSecond: config.requestsPerSecond,
          onError: (error) => log(`simulator: ${(error as Error).message}`),
        });
        return simulator.stop;
      });
    case "push":
      return lazily(config.kind, () => async () => {});
    case "prometheus":
      return lazily(config.kind, () => startPrometheusSource(ctx, { ...config, log }).stop);
  }
}

/** A source whose work begins at `start()` (once) and ends at `stop()`. */
function lazily(kind: MetricSource["kind"], begin: () => () => Promise<void>): MetricSource {
  let end: (() => Promise<void>) | null = null;
  let stopped = false;
  return {
    kind,
    start() {
      if (!end && !stopped) end = begin();
    },
    async stop() {
      stopped = true;
      await end?.();
    },
  };
}
