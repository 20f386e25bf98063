import type { AnalysisSample } from "../domain/analysis/analysis-sample";
import { defaultGates } from "../domain/analysis/default-gates";
import type { ReplayInput } from "../domain/analysis/replay-step";
import { type Scenario, scenarioSchema } from "./scenario-schema";

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; problems: string[] };

/** `samples[3].latencyMs.counts` from zod's path. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(file)";
}

/** Validates parsed JSON; every problem names its field, e.g. `samples[12].errors: 5 errors exceed 3 requests`. */
export function parseScenario(json: unknown): ParseResult {
  const result = scenarioSchema.safeParse(json);
  if (result.success) return { ok: true, scenario: result.data };
  return { ok: false, problems: result.error.issues.map((i) => `${fieldName(i.path)}: ${i.message}`) };
}

/** Parses file text: bad JSON is a problem like any other. */
export function parseScenarioText(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`(file): not valid JSON: ${(error as Error).message}`] };
  }
  return parseScenario(json);
}

/** The scenario as the evaluator's replay input, in time order. */
export function toReplayInput(scenario: Scenario): ReplayInput {
  const samples: AnalysisSample[] = scenario.samples
    .map((s) => ({
      intervalEnd: s.t,
      cohort: s.cohort,
      requests: s.requests,
      errors: s.errors,
      latency: { bounds: s.latencyMs.buckets, counts: s.latencyMs.counts },
      conversions: s.conversions ?? null,
    }))
    .sort((a, b) => a.intervalEnd - b.intervalEnd);
  return {
    gates: scenario.gates ?? defaultGates(),
    samples,
    expectedCanaryShare: scenario.canaryWeightPercent / 100,
    intervalSeconds: scenario.intervalSeconds,
    holdSeconds: scenario.holdSeconds,
  };
}
