import { evidenceText } from "./describe-numbers";
import type { GateMetric } from "./gate-config";
import type { GateVerdict, JudgedGate } from "./gate-verdict";

/** One slowdown moves all three latency gates; errors and conversions are separate signals and stay alone. */
const LATENCY: ReadonlySet<GateMetric> = new Set(["latency-p95", "latency-p99", "latency-shift"]);

/**
 * Critical latency gates whose observed change is past their margins pool their evidence; the verdicts
 * leave without the `pastMargin` working field. Each gate's e-value has mean at most 1 under no
 * difference, so the sum over G gates reaches 1/α with probability at most G·α: the same bound as G gates
 * failing one by one at 1/α. The sum is never below the largest term, so nothing that failed alone stops
 * failing, and a regression several gates see at once (a slowdown moves p95, p99 and the whole
 * distribution) is caught sooner.
 */
export function poolCriticalEvidence(gates: readonly JudgedGate[], failAlpha: number): GateVerdict[] {
  const failedAlone = gates.some((g) => g.critical && g.verdict === "fail");
  const pooled = gates.filter((g) => g.critical && g.pastMargin && g.evidence > 1 && LATENCY.has(g.metric));
  const total = pooled.reduce((sum, g) => sum + g.evidence, 0);
  const failsTogether = !failedAlone && pooled.length > 1 && total >= 1 / failAlpha;
  return gates.map(({ pastMargin: _, ...g }) => {
    if (!failsTogether || g.verdict === "fail" || !pooled.some((p) => p.gate === g.gate)) return g;
    const others = pooled.filter((p) => p.gate !== g.gate).map((p) => p.gate);
    const judged = g.detail.replace(/; (pass|inconclusive)$/, "");
    return {
      ...g,
      verdict: "fail",
      detail: `${judged}; pooled with ${others.join(", ")}: ${evidenceText(Math.log(total), failAlpha)}; fail`,
    };
  });
}
