import { type ReplayResult, replayStep } from "../domain/analysis/replay-step";
import { parseScenarioText, toReplayInput } from "./parse-scenario";

export type AnalyzeResult = { ok: true; output: ReplayResult } | { ok: false; problems: string[] };

/** File text in, replay out: what `npm run analyze` does, minus the I/O. */
export function analyzeScenarioText(text: string): AnalyzeResult {
  const parsed = parseScenarioText(text);
  if (!parsed.ok) return parsed;
  return { ok: true, output: replayStep(toReplayInput(parsed.scenario)) };
}
