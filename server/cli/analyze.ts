/**
 * `npm run analyze -- <scenario.json>`: replays a recorded rollout step through the live gate evaluator and
 * prints its decision and timeline as JSON. An invalid file prints what is wrong (naming the sample and
 * field) on stderr and exits 1, never a verdict.
 */
import { analyzeScenarioFile } from "./analyze-file";

async function main(argv: readonly string[]): Promise<number> {
  const file = argv[0];
  if (!file || argv.length > 1) {
    process.stderr.write("usage: npm run analyze -- <scenario.json>\n");
    return 2;
  }
  const result = await analyzeScenarioFile(file);
  if (!result.ok) {
    process.stderr.write(`${result.message}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(result.report, null, 2)}\n`);
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
