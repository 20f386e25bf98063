/**
 * `npm run bench:analysis [-- --count n --seed s --tune key=value,... --min-canary r]`: generates the
 * synthetic corpus (bench/corpus), replays every scenario through the analyze path (zod parse, then the
 * live evaluator) and prints the scores against the targets, then the evaluator's throughput for 1,000
 * concurrent rollouts. `--min-canary r` scores only the scenarios whose canary gets at least r requests
 * per interval.
 */
import { performance } from "node:perf_hooks";
import type { AnalysisSample } from "../server/domain/analysis/analysis-sample";
import type { AnalysisTuning } from "../server/domain/analysis/analysis-tuning";
import { defaultGates } from "../server/domain/analysis/default-gates";
import { evaluateStep } from "../server/domain/analysis/evaluate-step";
import { replayStep } from "../server/domain/analysis/replay-step";
import { type Outcome, scoreOutcomes } from "./analysis-score";
import { flag } from "./cli-flag";
import { corpus, DEFAULT_COUNT, DEFAULT_SEED, replayInputOf } from "./corpus/generate-corpus";
import { generateScenario } from "./corpus/generate-scenario";
import { Prng } from "./corpus/prng";

function parseTuning(text: string | undefined): Partial<AnalysisTuning> {
  const tuning: Record<string, number> = {};
  for (const part of (text ?? "").split(",").filter(Boolean)) {
    const [key, value] = part.split("=");
    if (key && value) tuning[key] = Number(value);
  }
  return tuning as Partial<AnalysisTuning>;
}

function scoreCorpus(seed: number, count: number, minCanary: number, tuning: Partial<AnalysisTuning>) {
  const outcomes: Outcome[] = [];
  const started = performance.now();
  for (const { scenario, truth } of corpus(seed, count, minCanary)) {
    const result = replayStep({ ...replayInputOf(scenario, truth.file), tuning });
    outcomes.push({ truth, decision: result.decision, decidedAtSeconds: result.decidedAtSeconds });
  }
  return { outcomes, seconds: (performance.now() - started) / 1000 };
}

/** 1,000 running steps, each 30 intervals in: time one evaluation round (what the server does per tick). */
function throughput() {
  const rng = new Prng(7);
  const rollouts: { samples: AnalysisSample[]; share: number; hold: number }[] = [];
  while (rollouts.length < 1000) {
    const { scenario, truth } = generateScenario(rng, rollouts.length, "good");
    const input = replayInputOf(scenario, truth.file);
    rollouts.push({
      samples: input.samples.filter((s) => s.intervalEnd <= 900),
      share: input.expectedCanaryShare,
      hold: 3600,
    });
  }
  const gates = defaultGates();
  let evaluations = 0;
  let gateEvaluations = 0;
  const started = performance.now();
  for (let round = 0; round < 3; round++) {
    for (const r of rollouts) {
      const result = evaluateStep({
        gates,
        samples: r.samples,
        expectedCanaryShare: r.share,
        intervalSeconds: 30,
        holdSeconds: r.hold,
        elapsedSeconds: 900,
      });
      evaluations++;
      gateEvaluations += result.gates.length;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { msPerRound: (seconds / 3) * 1000, gatesPerSecond: gateEvaluations / seconds, evaluations };
}

async function main() {
  const args = process.argv.slice(2);
  const count = Number(flag(args, "--count") ?? DEFAULT_COUNT);
  const seed = Number(flag(args, "--seed") ?? DEFAULT_SEED);
  const minCanary = Number(flag(args, "--min-canary") ?? 0);
  const tuning = parseTuning(flag(args, "--tune"));
  const { outcomes, seconds } = scoreCorpus(seed, count, minCanary, tuning);
  const { lines } = scoreOutcomes(outcomes);
  process.stdout.write(
    `analysis bench: seed ${seed}, ${count} generated scenarios, replayed in ${seconds.toFixed(1)} s\n`,
  );
  if (minCanary > 0)
    process.stdout.write(`scored: the ${outcomes.length} with ≥ ${minCanary} canary requests per interval\n`);
  if (Object.keys(tuning).length) process.stdout.write(`tuning overrides: ${JSON.stringify(tuning)}\n`);
  process.stdout.write(`${lines.join("\n")}\n`);
  if (!args.includes("--no-throughput")) {
    const t = throughput();
    process.stdout.write(
      `throughput: 1,000 concurrent rollouts (30 intervals of data each, ${defaultGates().length} gates): one evaluation round ${t.msPerRound.toFixed(0)} ms, ${Math.round(t.gatesPerSecond).toLocaleString("en-US")} gate evaluations/s\n`,
    );
  }
  // The live paths need a database (and a server); they run after the offline scores.
  if (!args.includes("--no-latency")) await import("./ingest-to-rollback");
  if (!args.includes("--no-beat")) await import("./engine-beat");
}

await main();
