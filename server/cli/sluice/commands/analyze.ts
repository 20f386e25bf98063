import type { ScenarioReport } from "../../analyze-file";
import { CliError } from "../cli-error";
import type { Command } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { formatTable } from "../table";

const EXIT_BY_DECISION: Record<ScenarioReport["decision"], ExitCode> = {
  promote: EXIT.OK,
  rollback: EXIT.FAILED,
  inconclusive: EXIT.NEEDS_HUMAN,
};

export const analyzeCommand: Command = {
  name: "analyze",
  summary: "Replay a recorded step (scenario file) through the live gate evaluator, locally",
  args: ["<scenario.json>"],
  details:
    "Needs no server. Format: ../shared/analysis-scenarios/FORMAT.md. Exits 0 on promote, 1 on rollback,\n" +
    "3 when inconclusive, 2 when the file is unreadable or invalid (each problem names its sample and field).",
  async run({ args, out }) {
    // Loaded on use: the evaluator is most of the CLI's code, and server commands never need it.
    const { analyzeScenarioFile } = await import("../../analyze-file");
    const result = await analyzeScenarioFile(args[0] as string);
    if (!result.ok) throw new CliError(EXIT.USAGE, "INVALID_SCENARIO", result.message);
    const report = result.report;
    out.result(report, () => reportText(report));
    return EXIT_BY_DECISION[report.decision];
  },
};

function reportText(report: ScenarioReport): string {
  const gates = report.timeline[0]?.gates.map((g) => g.gate) ?? [];
  return [
    `decision: ${report.decision} at ${report.decidedAtSeconds} s — ${report.reason}`,
    ...(report.failedGates.length ? [`failed gates: ${report.failedGates.join(", ")}`] : []),
    "",
    formatTable(
      ["T", ...gates.map((g) => g.toUpperCase())],
      report.timeline.map((entry) => [
        `${entry.t} s`,
        ...gates.map((gate) => entry.gates.find((g) => g.gate === gate)?.verdict ?? "-"),
      ]),
    ),
  ].join("\n");
}
