import type { OutcomeJson, RolloutJson } from "./api-types";
import { formatTable } from "./table";

const percent = (value: number) => `${value}%`;

/** "running/holding", "paused", "completed". */
export function stateText(r: Pick<RolloutJson, "state" | "phase">): string {
  return r.phase && r.state === "running" ? `${r.state}/${r.phase}` : r.state;
}

/** 1-based "2/4"; "-" before the first step. */
export function stepText(r: Pick<RolloutJson, "currentStep" | "steps">): string {
  return r.currentStep < 0 ? "-" : `${r.currentStep + 1}/${r.steps.length}`;
}

export function rolloutTable(rollouts: readonly RolloutJson[]): string {
  if (rollouts.length === 0) return "No rollouts.";
  return formatTable(
    ["ID", "SERVICE", "ENV", "RELEASE", "MECHANISM", "STATE", "STEP", "EXPOSURE", "LAST-GOOD", "UPDATED"],
    rollouts.map((r) => [
      r.id,
      r.service,
      r.environment,
      r.release,
      r.mechanism,
      stateText(r),
      stepText(r),
      percent(r.exposurePercent),
      percent(r.lastKnownGoodPercent),
      r.updatedAt.replace(/\.\d+Z$/, "Z"),
    ]),
  );
}

/** One line per command outcome: where the rollout is now, and whether this call changed it. */
export function outcomeLine(command: string, outcome: OutcomeJson): string {
  const r = outcome.rollout;
  const step = r.currentStep < 0 ? "" : `, step ${r.currentStep + 1}`;
  const effect = outcome.repeated
    ? " (already done with this idempotency key)"
    : outcome.changed
      ? ""
      : " (nothing changed)";
  return (
    `${command} ${r.service} ${r.id}: ${stateText(r)}${step}, exposure ${percent(r.exposurePercent)} ` +
    `(last-known-good ${percent(r.lastKnownGoodPercent)}), version ${r.version}${effect}`
  );
}
