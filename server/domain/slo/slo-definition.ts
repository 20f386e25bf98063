import { AppError } from "../errors";

export type SloKind = "availability" | "latency";
export const SLO_KINDS: readonly SloKind[] = ["availability", "latency"];

export const DEFAULT_SLO_WINDOW_DAYS = 30;
export const MAX_SLO_WINDOW_DAYS = 90;

/** What a service promises: the share of good requests (`objective`) over a rolling window of days. */
export interface SloDefinition {
  /** Unique per service, e.g. "availability" or "latency-250ms". */
  name: string;
  /** availability: a request is good without error; latency: good at or below `latencyThresholdMs`. */
  kind: SloKind;
  /** e.g. 0.995; the error budget is 1 − objective of the requests in the window. */
  objective: number;
  windowDays: number;
  /** Latency only: one of the histogram bucket bounds, so "at or below" is exact; null otherwise. */
  latencyThresholdMs: number | null;
}

export interface SloInput {
  name: string;
  kind: string;
  objective: number;
  windowDays?: number;
  latencyThresholdMs?: number | null;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Checks an SLO as a person wrote it and returns it complete (default window), or throws BAD_INPUT naming
 * the first wrong field. `bucketBoundsMs` are the service's histogram bounds when known (null when the
 * service has sent no samples yet, and a latency threshold cannot be checked against them).
 */
export function parseSloDefinition(input: SloInput, bucketBoundsMs: readonly number[] | null): SloDefinition {
  const bad = (field: string, message: string) => new AppError("BAD_INPUT", `${field}: ${message}`, field);
  if (!NAME.test(input.name)) {
    throw bad("name", "lower-case letters, digits and dashes, starting with a letter or digit (≤ 63)");
  }
  const kind = SLO_KINDS.find((k) => k === input.kind);
  if (!kind) throw bad("kind", `must be one of ${SLO_KINDS.join(", ")}`);
  if (!(Number.isFinite(input.objective) && input.objective > 0 && input.objective < 1)) {
    throw bad("objective", "must be a share strictly between 0 and 1, e.g. 0.995");
  }
  const windowDays = input.windowDays ?? DEFAULT_SLO_WINDOW_DAYS;
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > MAX_SLO_WINDOW_DAYS) {
    throw bad("windowDays", `must be a whole number of days from 1 to ${MAX_SLO_WINDOW_DAYS}`);
  }
  const threshold = input.latencyThresholdMs ?? null;
  if (kind === "availability") {
    if (threshold !== null) throw bad("latencyThresholdMs", "only a latency SLO has a threshold");
    return { name: input.name, kind, objective: input.objective, windowDays, latencyThresholdMs: null };
  }
  if (threshold === null || !(Number.isFinite(threshold) && threshold > 0)) {
    throw bad("latencyThresholdMs", "a latency SLO needs a threshold in ms, e.g. 250");
  }
  if (bucketBoundsMs && !bucketBoundsMs.includes(threshold)) {
    throw bad(
      "latencyThresholdMs",
      `${threshold} ms is not a histogram bucket bound of this service (${bucketBoundsMs.join(", ")})`,
    );
  }
  return { name: input.name, kind, objective: input.objective, windowDays, latencyThresholdMs: threshold };
}

/** "99.5% of requests without error over 30d", "99% of requests ≤ 250 ms over 30d". */
export function describeObjective(slo: SloDefinition): string {
  const share = `${Number((slo.objective * 100).toFixed(4))}%`;
  const good = slo.kind === "latency" ? `≤ ${slo.latencyThresholdMs} ms` : "without error";
  return `${share} of requests ${good} over ${slo.windowDays}d`;
}
