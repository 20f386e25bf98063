/** Formatting shared by the rollout screens. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

export function stepLabel(currentStep: number, steps: unknown): string {
  const total = Array.isArray(steps) ? steps.length : 0;
  return currentStep < 0 ? `not started (0/${total})` : `${currentStep + 1}/${total}`;
}

const CONTROLLER_NAMES: Record<string, string> = { flagger: "Flagger" };

/**
 * Who applies the exposure. A controller (Flagger) applies it itself and asks Sluice before each step,
 * so its own reported canary weight is shown beside Sluice's exposure.
 */
export function appliedByLabel(r: {
  appliedBy: string;
  controller: string | null;
  controllerWeight: number | null;
}): string {
  if (!r.controller) return r.appliedBy;
  const name = CONTROLLER_NAMES[r.controller] ?? r.controller;
  return r.controllerWeight === null
    ? `${name} (no canary weight reported yet)`
    : `${name} (canary weight ${r.controllerWeight}%)`;
}
