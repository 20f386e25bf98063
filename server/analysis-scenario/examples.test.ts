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
 * Detectable by the generator's expected z, but not by the data actually drawn. s005 (1% canary): the canary
 * served 160 requests in the whole hold, 63 after the onset at 900 s, with exactly one error (at 1620 s);
 * the baseline had 6 errors in 18,609 requests (0.032%). Under "canary = baseline" the canary shows at least
 * one error somewhere in its 160 requests with probability 1 − e^(−160·0.00032) ≈ 5%, so any rule that
 * rolls s005 back also rolls back about 1 in 20 identical canaries of such a service: no test at the
 * gates' 1% false-alarm bound can. We require only that it is not promoted (docs/decisions/0002).
 */
const KNOWN_UNDETECTABLE: Record<string, string> = {
  "s005.json": "1 canary error in 160 requests (63 after onset), ≈5% likely with no regression",
};

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
    // held for a human, neither guessed into a rollback nor promoted
    if (KNOWN_UNDETECTABLE[file]) expect(decision).toBe("inconclusive");
    // every interval of the timeline carries a verdict per gate with a detail
    for (const entry of result.output.timeline) {
      for (const g of entry.gates) expect(g.detail).toMatch(/(pass|fail|inconclusive)$/);
    }
  });
});
