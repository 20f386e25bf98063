/** Formatting shared by the rollout screens. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** "running · holding"; other states alone (a paused rollout keeps the phase it resumes into). */
export function formatState(state: string, phase: string | null): string {
  const label = state.replace("_", " ");
  return phase && state === "running" ? `${label} · ${phase.replace("_", " ")}` : label;
}

export function stepLabel(currentStep: number, steps: unknown): string {
  const total = Array.isArray(steps) ? steps.length : 0;
  return currentStep < 0 ? `not started (0/${total})` : `${currentStep + 1}/${total}`;
}
