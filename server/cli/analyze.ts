/**
 * `npm run analyze -- <scenario.json>`: replays a recorded rollout step through the live gate evaluator and
 * prints its decision and timeline as JSON. An invalid file prints what is wrong (naming the sample and
 * field) on stderr and exits 1, never a verdict.
 */
import { readFile } from "node:fs/promises";
import { analyzeScenarioText } from "../analysis-scenario/analyze-scenario";

async function main(argv: readonly string[]): Promise<number> {
  const file = argv[0];
  if (!file || argv.length > 1) {
    process.stderr.write("usage: npm run analyze -- <scenario.json>\n");
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  const result = analyzeScenarioText(text);
  if (!result.ok) {
    process.stderr.write(`invalid scenario ${file}:\n${result.problems.map((p) => `  ${p}`).join("\n")}\n`);
    return 1;
  }
  const { decision, decidedAtSeconds, failedGates, reason, timeline } = result.output;
  const output = {
    decision,
    decidedAtSeconds,
    failedGates,
    reason,
    timeline: timeline.map((entry) => ({ t: entry.t, gates: entry.gates })),
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`analyze failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
