import { readFile } from "node:fs/promises";
import { analyzeScenarioText } from "../analysis-scenario/analyze-scenario";
import type { ReplayResult } from "../domain/analysis/replay-step";

/** What a replay prints: the decision, when and why, and each interval's gate verdicts. */
export type ScenarioReport = ReturnType<typeof reportOf>;

export type AnalyzeFileResult = { ok: true; report: ScenarioReport } | { ok: false; message: string };

/**
 * Reads a scenario file and replays it through the live gate evaluator. Shared by `npm run analyze` and
 * `sluice analyze`, so both print the same report and the same problems.
 */
export async function analyzeScenarioFile(file: string): Promise<AnalyzeFileResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return { ok: false, message: `cannot read ${file}: ${(error as Error).message}` };
  }
  const result = analyzeScenarioText(text);
  if (!result.ok) {
    return {
      ok: false,
      message: `invalid scenario ${file}:\n${result.problems.map((p) => `  ${p}`).join("\n")}`,
    };
  }
  return { ok: true, report: reportOf(result.output) };
}

function reportOf(output: ReplayResult) {
  const { decision, decidedAtSeconds, failedGates, reason, timeline } = output;
  return {
    decision,
    decidedAtSeconds,
    failedGates,
    reason,
    timeline: timeline.map((entry) => ({ t: entry.t, gates: entry.gates })),
  };
}
