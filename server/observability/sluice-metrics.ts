import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { StepEvaluation } from "../domain/analysis";
import { AppError } from "../domain/errors";
import type { RolloutEvent } from "../domain/rollout";

/**
 * Sluice's own metrics, served at /metrics. One registry for the process (not prom-client's global
 * one, so a library registering there cannot leak into ours); services report through the typed
 * helpers below and never touch prom-client themselves. Label values come from closed sets (command
 * types, decisions, gate metrics, error codes), never from ids, so the series count stays bounded.
 */
export const sluiceRegistry = new Registry();
const registers = [sluiceRegistry];

const commandDuration = new Histogram({
  name: "sluice_command_duration_seconds",
  help: "Rollout commands from receipt to commit, by command type and result (ok or the error code).",
  labelNames: ["command", "result"] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers,
});

const rollbacks = new Counter({
  name: "sluice_rollbacks_total",
  help: "Rollouts returned to last-known-good, by trigger (kill or gates-failed).",
  labelNames: ["trigger"] as const,
  registers,
});

const freezes = new Counter({
  name: "sluice_freeze_blocks_total",
  help: "Rollout commands met by a freeze (incident or exhausted error budget): refused or overridden (break glass).",
  labelNames: ["command", "outcome"] as const,
  registers,
});

const evaluationDuration = new Histogram({
  name: "sluice_gate_evaluation_duration_seconds",
  help: "Time to evaluate one rollout step's gates on its samples; the count is the number of evaluations.",
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  registers,
});

const stepDecisions = new Counter({
  name: "sluice_step_decisions_total",
  help: "Step evaluations by decision (continue, promote, rollback, inconclusive, pause).",
  labelNames: ["decision"] as const,
  registers,
});

const gateVerdicts = new Counter({
  name: "sluice_gate_verdicts_total",
  help: "Gate verdicts by gate metric and result (pass, fail, inconclusive).",
  labelNames: ["metric", "verdict"] as const,
  registers,
});

const metricSourcePolls = new Counter({
  name: "sluice_metric_source_polls_total",
  help: "Polls of a pulling metric source by result; failed means some service got no sample.",
  labelNames: ["source", "result"] as const,
  registers,
});

const sampleConflicts = new Counter({
  name: "sluice_sample_conflicts_total",
  help: "Samples not stored because their interval was already stored with other values (the first stands).",
  labelNames: ["sample"] as const,
  registers,
});

const prunedSamples = new Counter({
  name: "sluice_samples_pruned_total",
  help: "Metric samples deleted past the retention (SLUICE_SAMPLE_RETENTION_DAYS), by sample kind.",
  labelNames: ["sample"] as const,
  registers,
});

const socketClientCounts = new Set<() => number>();
new Gauge({
  name: "sluice_socket_clients",
  help: "Signed-in dashboard clients connected over socket.io.",
  registers,
  collect() {
    this.set([...socketClientCounts].reduce((sum, count) => sum + count(), 0));
  },
});

export function observeCommand(command: string, seconds: number, result = "ok"): void {
  commandDuration.observe({ command, result }, seconds);
}

/** Counts what a committed command did: rollbacks and freeze overrides (a repeat did nothing again). */
export function observeCommandEvents(events: readonly RolloutEvent[]): void {
  for (const event of events) {
    if (event.type === "rollout.rolled-back") rollbacks.inc({ trigger: event.trigger });
    if (event.type === "rollout.freeze-overridden")
      freezes.inc({ command: event.command, outcome: "overridden" });
  }
}

/**
 * Times one rollout command. `failed` is shaped for `.catch(timer.failed)`: it records the error's
 * code (FROZEN also counts as a freeze block) and rethrows it unchanged.
 */
export function startCommandTimer(command: string) {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  return {
    done(outcome: { events: readonly RolloutEvent[]; repeated: boolean }): void {
      observeCommand(command, seconds(), outcome.repeated ? "repeated" : "ok");
      if (!outcome.repeated) observeCommandEvents(outcome.events);
    },
    failed: (error: unknown): never => {
      const code = error instanceof AppError ? error.code : "INTERNAL";
      observeCommand(command, seconds(), code);
      if (code === "FROZEN") freezes.inc({ command, outcome: "refused" });
      throw error;
    },
  };
}

export function observeGateEvaluation(
  evaluation: Pick<StepEvaluation, "decision" | "gates">,
  seconds: number,
): void {
  evaluationDuration.observe(seconds);
  stepDecisions.inc({ decision: evaluation.decision });
  for (const gate of evaluation.gates) gateVerdicts.inc({ metric: gate.metric, verdict: gate.verdict });
}

/** Adds a live count of connected clients (one per socket.io server); returns its removal. */
export function observeSocketClients(count: () => number): () => void {
  socketClientCounts.add(count);
  return () => socketClientCounts.delete(count);
}

export function countMetricSourcePoll(source: string, result: "ok" | "failed"): void {
  metricSourcePolls.inc({ source, result });
}

/** A source or pusher that keeps resending other numbers shows here, whether or not it reads the reply. */
export function countSampleConflicts(sample: "cohort" | "service", count: number): void {
  if (count > 0) sampleConflicts.inc({ sample }, count);
}

export function countPrunedSamples(sample: "cohort" | "service", count: number): void {
  if (count > 0) prunedSamples.inc({ sample }, count);
}

let processMetrics = false;
/** Node's process metrics (CPU, memory, event-loop lag, GC), registered once. */
export function enableProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: sluiceRegistry });
}
