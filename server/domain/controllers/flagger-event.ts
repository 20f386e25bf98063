/**
 * The canary weight a Flagger event reports, or null when it says none. Flagger announces each step as
 * "Advance <name>.<namespace> canary weight <n>"; a succeeded canary has been promoted (the new release
 * takes all traffic) and a failed one has been scaled down (none).
 */
export function weightFromFlaggerEvent(phase: string, message: string): number | null {
  const advanced = /canary weight (\d+(?:\.\d+)?)/i.exec(message);
  if (advanced) return Math.min(100, Number(advanced[1]));
  if (phase === "Succeeded") return 100;
  if (phase === "Failed") return 0;
  return null;
}
