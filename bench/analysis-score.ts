/** Scores replay decisions against a corpus' ground truth, with the figures the analysis targets. */
import { canaryRequestsPerInterval, type Truth } from "./corpus/generate-scenario";

export interface Outcome {
  truth: Truth;
  decision: "rollback" | "promote" | "inconclusive";
  decidedAtSeconds: number;
}

const share = (n: number, d: number) => (d > 0 ? n / d : 0);
export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** A share with its binomial standard error: how far another corpus of this size would move it. */
const pctSE = (x: number, n: number) =>
  `${pct(x)} ±${(100 * Math.sqrt((x * (1 - x)) / Math.max(1, n))).toFixed(1)}`;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function scoreOutcomes(outcomes: readonly Outcome[]) {
  const good = outcomes.filter((o) => o.truth.kind === "good");
  const bad = outcomes.filter((o) => o.truth.kind === "bad");
  const detectable = bad.filter((o) => o.truth.detectable);
  const pastMargin = bad.filter((o) => o.truth.pastMargin);
  const belowMargin = bad.filter((o) => !o.truth.pastMargin);
  const identical = good.filter((o) => o.truth.identicalCohorts);
  const missing = outcomes.filter((o) => o.truth.canaryMissingFraction > 0.3);
  // The "small canaries (under ~100 requests per interval) cannot prove much": how the good
  // promotions that are possible at all (≤ 30% missing) split on that line says how much of the figure is
  // set by the corpus's mix of canary sizes and gaps rather than by the statistics.
  const largeCanary = (o: Outcome) => canaryRequestsPerInterval(o.truth) >= 100;
  const promotable = good.filter((o) => o.truth.canaryMissingFraction <= 0.3);
  const goodLarge = promotable.filter(largeCanary);
  const goodSmall = promotable.filter((o) => !largeCanary(o));
  const count = (list: readonly Outcome[], d: Outcome["decision"]) =>
    list.filter((o) => o.decision === d).length;
  const delays = bad
    .filter((o) => o.decision === "rollback")
    .map((o) => Math.max(0, o.decidedAtSeconds - (o.truth.onsetSeconds ?? 0)));
  const figures = {
    scenarios: outcomes.length,
    badRolledBack: share(count(bad, "rollback"), bad.length),
    detectableRolledBack: share(count(detectable, "rollback"), detectable.length),
    goodRolledBack: share(count(good, "rollback"), good.length),
    badPromoted: share(count(bad, "promote"), bad.length),
    goodPromoted: share(count(good, "promote"), good.length),
    medianSecondsToRollback: median(delays),
    promotedWithCanaryMissingOver30: count(missing, "promote"),
    identicalCohortsFalseAlarm: share(count(identical, "rollback"), identical.length),
    pastMarginPromoted: share(count(pastMargin, "promote"), pastMargin.length),
    belowMarginPromoted: share(count(belowMargin, "promote"), belowMargin.length),
    goodLargeCanaryPromoted: share(count(goodLarge, "promote"), goodLarge.length),
    goodSmallCanaryPromoted: share(count(goodSmall, "promote"), goodSmall.length),
  };
  const checks = [
    [
      "bad releases rolled back",
      pctSE(figures.badRolledBack, bad.length),
      "≥ 80%",
      figures.badRolledBack >= 0.8,
    ],
    [
      "detectable bad rolled back",
      pctSE(figures.detectableRolledBack, detectable.length),
      "≥ 92%",
      figures.detectableRolledBack >= 0.92,
    ],
    [
      "good releases rolled back",
      pctSE(figures.goodRolledBack, good.length),
      "≤ 1%",
      figures.goodRolledBack <= 0.01,
    ],
    ["bad releases promoted", pctSE(figures.badPromoted, bad.length), "≤ 2%", figures.badPromoted <= 0.02],
    [
      "good releases promoted",
      pctSE(figures.goodPromoted, good.length),
      "≥ 65%",
      figures.goodPromoted >= 0.65,
    ],
    [
      "median onset→rollback",
      `${figures.medianSecondsToRollback} s`,
      "≤ 90 s",
      figures.medianSecondsToRollback <= 90,
    ],
    [
      "promoted with canary missing >30%",
      String(figures.promotedWithCanaryMissingOver30),
      "= 0",
      figures.promotedWithCanaryMissingOver30 === 0,
    ],
    [
      "false alarms, identical cohorts",
      pctSE(figures.identicalCohortsFalseAlarm, identical.length),
      "(measured)",
      true,
    ],
    [
      "bad past the margins promoted",
      pctSE(figures.pastMarginPromoted, pastMargin.length),
      "(measured)",
      true,
    ],
    [
      `bad below every margin promoted (n=${belowMargin.length})`,
      pctSE(figures.belowMarginPromoted, belowMargin.length),
      "(measured)",
      true,
    ],
    [
      `good promoted, ≤ 30% missing, ≥ 100 canary req/interval (n=${goodLarge.length})`,
      pctSE(figures.goodLargeCanaryPromoted, goodLarge.length),
      "(measured)",
      true,
    ],
    [
      `good promoted, ≤ 30% missing, < 100 canary req/interval (n=${goodSmall.length})`,
      pctSE(figures.goodSmallCanaryPromoted, goodSmall.length),
      "(measured)",
      true,
    ],
  ] as const;
  const lines = [
    `scenarios: ${outcomes.length} (${good.length} good, ${bad.length} bad, ${detectable.length} detectable, ${identical.length} identical-cohort, ${missing.length} with canary missing >30%)`,
    ...checks.map(
      ([name, value, target, ok]) =>
        `  ${ok ? "ok  " : "MISS"} ${name.padEnd(66)} ${value.padStart(13)}  target ${target}`,
    ),
    "  by variant (rollback / promote / inconclusive):",
  ];
  const variants = [...new Set(outcomes.map((o) => `${o.truth.kind}:${o.truth.variant}`))].sort();
  for (const v of variants) {
    const list = outcomes.filter((o) => `${o.truth.kind}:${o.truth.variant}` === v);
    lines.push(
      `    ${v.padEnd(22)} n=${String(list.length).padStart(4)}  ${pct(share(count(list, "rollback"), list.length)).padStart(6)} / ${pct(share(count(list, "promote"), list.length)).padStart(6)} / ${pct(share(count(list, "inconclusive"), list.length)).padStart(6)}`,
    );
  }
  return { figures, lines, allMet: checks.every(([, , , ok]) => ok) };
}
