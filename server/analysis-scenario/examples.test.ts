import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeScenarioText } from "./analyze-scenario";

/** The shared examples, replayed through the analyze path and checked against their ground truth. */
const DIR = path.resolve(process.cwd(), "../shared/analysis-scenarios/examples");
const available = existsSync(path.join(DIR, "ANSWERS.jsonl"));
if (!available) console.log(`skipping example scenarios: ${DIR} not found`);

interface Answer {
  file: string;
  kind: "good" | "bad";
  detectable?: boolean;
  canaryMissingFraction: number;
}

/**
 * Detectable by the generator's expected z, but not by the data actually drawn: s005's canary saw 1 error in
 * 187 requests (0 in the 85 after onset but for one at 1620 s) against a baseline at 0.03%; a one-sided
 * exact test gives p ≈ 0.07 even at a single look. Rolling back on that would be a guess; we only require
 * that it is not promoted.
 */
const KNOWN_UNDETECTABLE: Record<string, string> = { "s005.json": "1 canary error in 187 requests" };

const answers: Answer[] = available
  ? readFileSync(path.join(DIR, "ANSWERS.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Answer)
  : [];

describe.skipIf(!available)("example scenarios", () => {
  it.each(answers.map((a) => [a.file, a] as const))("%s", (file, answer) => {
    const result = analyzeScenarioText(readFileSync(path.join(DIR, file), "utf8"));
    if (!result.ok) throw new Error(result.problems.join("\n"));
    const { decision } = result.output;
    if (answer.kind === "good") expect(decision).not.toBe("rollback");
    if (answer.kind === "bad") expect(decision).not.toBe("promote");
    if (answer.canaryMissingFraction > 0.3) expect(decision).not.toBe("promote");
    if (answer.kind === "bad" && answer.detectable && !KNOWN_UNDETECTABLE[file])
      expect(decision).toBe("rollback");
    // every interval of the timeline carries a verdict per gate with a detail
    for (const entry of result.output.timeline) {
      for (const g of entry.gates) expect(g.detail).toMatch(/(pass|fail|inconclusive)$/);
    }
  });
});
