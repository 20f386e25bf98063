/** Number formatting for verdict details: short, and precise enough to check by hand. */

export function percent(rate: number): string {
  const p = rate * 100;
  if (p === 0) return "0%";
  if (Math.abs(p) >= 10) return `${p.toFixed(1)}%`;
  if (Math.abs(p) >= 0.1) return `${p.toFixed(2)}%`;
  return `${p.toPrecision(2)}%`;
}

export function signedChange(canary: number, baseline: number): string {
  if (baseline === 0) return canary === 0 ? "±0%" : "new";
  const change = (canary / baseline - 1) * 100;
  const rounded = Math.abs(change) >= 10 ? Math.round(change) : Math.round(change * 10) / 10;
  return `${rounded >= 0 ? "+" : ""}${rounded}%`;
}

/** An expected count of events: whole above 10, one decimal above 1, else two significant digits. */
export function expectedCount(x: number): string {
  if (x >= 10) return x.toFixed(0);
  if (x >= 1 || x === 0) return x.toFixed(1);
  return x.toPrecision(2);
}

export function ms(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${Math.round(value * 10) / 10} ms`;
}

export function evidenceText(logEvidence: number, failAlpha: number): string {
  const e = Math.exp(Math.min(logEvidence, 700));
  const shown = e >= 1000 ? e.toExponential(1).replace("e+", "e") : e >= 10 ? e.toFixed(0) : e.toFixed(2);
  return `evidence ×${shown} (fails at ×${Math.round(1 / failAlpha)})`;
}
