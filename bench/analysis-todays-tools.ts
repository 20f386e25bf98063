/**
 * `npm run bench:analysis-todays-tools [-- --seed s --count n --min-canary r]`: the issue's comparison
 * with today's tools, on the generated corpus. Each judge in todays-tools.ts and Sluice's evaluator decide
 * every scenario, and the same scorer prints their figures side by side, next to what the issue reports
 * for those tools on the hidden corpus: close figures for the three tools are evidence that the generated
 * corpus is drawn like the hidden one. `--min-canary r` scores only the scenarios whose canary gets at
 * least r requests per interval.
 */
import type { ReplayInput } from "../server/domain/analysis/replay-step";
import { replayStep } from "../server/domain/analysis/replay-step";
import { type Outcome, pct, scoreOutcomes } from "./analysis-score";
import { flag } from "./cli-flag";
import { corpus, DEFAULT_COUNT, DEFAULT_SEED, replayInputOf } from "./corpus/generate-corpus";
import { argoStyle, flaggerStyle, kayentaStyle, type ToolDecision } from "./todays-tools";

const JUDGES: { name: string; issueSays: string; judge: (input: ReplayInput) => ToolDecision }[] = [
  { name: "Argo Rollouts style", issueSays: "rolls back 79% of good", judge: argoStyle },
  { name: "Flagger style", issueSays: "rolls back 61% of good", judge: flaggerStyle },
  {
    name: "Kayenta style",
    issueSays: "1% of good rolled back, 39% of bad; promotes on missing data",
    judge: kayentaStyle,
  },
  { name: "Sluice", issueSays: "targets ≤ 1%, ≥ 80%, ≤ 2%, ≥ 65%, 0", judge: replayStep },
];

const column = (x: number) => pct(x).padStart(7);

function main() {
  const args = process.argv.slice(2);
  const count = Number(flag(args, "--count") ?? DEFAULT_COUNT);
  const seed = Number(flag(args, "--seed") ?? DEFAULT_SEED);
  const minCanary = Number(flag(args, "--min-canary") ?? 0);
  const outcomes = JUDGES.map((): Outcome[] => []);
  for (const { scenario, truth } of corpus(seed, count, minCanary)) {
    const input = replayInputOf(scenario, truth.file);
    JUDGES.forEach(({ judge }, i) => {
      const { decision, decidedAtSeconds } = judge(input);
      outcomes[i]?.push({ truth, decision, decidedAtSeconds });
    });
  }
  process.stdout.write(
    `today's tools on the generated corpus: seed ${seed}, ${outcomes[0]?.length} of ${count} scenarios` +
      `${minCanary > 0 ? ` (those with ≥ ${minCanary} canary requests per interval)` : ""}\n` +
      `${"judge".padEnd(20)} good RB  bad RB  bad prom  good prom  promoted >30% missing   the issue says\n`,
  );
  JUDGES.forEach(({ name, issueSays }, i) => {
    const f = scoreOutcomes(outcomes[i] ?? []).figures;
    process.stdout.write(
      `${name.padEnd(20)} ${column(f.goodRolledBack)} ${column(f.badRolledBack)} ${column(f.badPromoted)}   ${column(f.goodPromoted)}   ${String(f.promotedWithCanaryMissingOver30).padStart(8)}              ${issueSays}\n`,
    );
  });
}

main();
