/**
 * Writes a synthetic corpus to disk: `npx tsx bench/corpus/generate-corpus.ts [--out dir] [--count n]
 * [--seed s]` makes <dir>/gNNNNN.json scenarios plus <dir>/ANSWERS.jsonl (default bench-results/corpus,
 * 3000 scenarios, seed 20240601). The bench generates the same corpus in memory.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseScenario, toReplayInput } from "../../server/analysis-scenario/parse-scenario";
import type { ReplayInput } from "../../server/domain/analysis/replay-step";
import { flag } from "../cli-flag";
import { canaryRequestsPerInterval, generateScenario, type ScenarioFile } from "./generate-scenario";
import { Prng } from "./prng";

export const DEFAULT_SEED = 20240601;
export const DEFAULT_COUNT = 3000;

/**
 * The corpus of a seed, in order. With `minCanaryRequests`, only the scenarios whose canary gets at least
 * that many requests per interval (the same scenarios as without it, the others left out).
 */
export function* corpus(seed: number, count: number, minCanaryRequests = 0) {
  const rng = new Prng(seed);
  for (let i = 0; i < count; i++) {
    const generated = generateScenario(rng, i + 1);
    if (canaryRequestsPerInterval(generated.truth) >= minCanaryRequests) yield generated;
  }
}

/** A generated scenario as the evaluator's input, read by the analyze command's own parser. */
export function replayInputOf(scenario: ScenarioFile, file: string): ReplayInput {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new Error(`generator produced an invalid scenario ${file}: ${parsed.problems[0]}`);
  return toReplayInput(parsed.scenario);
}

async function main() {
  const args = process.argv.slice(2);
  const out = flag(args, "--out") ?? "bench-results/corpus";
  const count = Number(flag(args, "--count") ?? DEFAULT_COUNT);
  const seed = Number(flag(args, "--seed") ?? DEFAULT_SEED);
  await mkdir(out, { recursive: true });
  const answers: string[] = [];
  for (const { scenario, truth } of corpus(seed, count)) {
    await writeFile(path.join(out, truth.file), JSON.stringify(scenario));
    answers.push(JSON.stringify(truth));
  }
  await writeFile(path.join(out, "ANSWERS.jsonl"), `${answers.join("\n")}\n`);
  process.stdout.write(`wrote ${count} scenarios to ${out}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  void main();
}
