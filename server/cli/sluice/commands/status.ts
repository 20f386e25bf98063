import type { FreezesJson } from "../api-types";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { rolloutTable } from "../rollout-format";
import { fetchRollouts } from "../rollout-pages";

export const statusCommand: Command = {
  name: "status",
  summary: "Rollouts in progress (running or paused), and what freezes releases right now",
  args: [],
  async run({ out, api }) {
    const client = api();
    const [{ rollouts: inProgress }, freezes] = await Promise.all([
      fetchRollouts(client, { states: ["running", "paused"] }),
      client.get<FreezesJson>("/freezes"),
    ]);
    out.result({ rollouts: inProgress, ...freezes }, () =>
      [
        `Rollouts in progress: ${inProgress.length}`,
        ...(inProgress.length ? [rolloutTable(inProgress)] : []),
        "",
        freezeText(freezes),
      ].join("\n"),
    );
    return EXIT.OK;
  },
};

function freezeText({ incidents, exhaustedBudgets }: FreezesJson): string {
  if (incidents.length === 0 && exhaustedBudgets.length === 0) return "No freezes: releases may proceed.";
  return [
    "Frozen (start, advance, approve and resume are refused; pause and kill work):",
    ...incidents.map(
      (i) =>
        `  incident ${i.externalId ?? i.id} (${i.severity}) "${i.title}" freezes ${i.services.join(", ")}` +
        ` — declared ${i.declaredAt} by ${i.declaredBy}`,
    ),
    ...exhaustedBudgets.map(
      (b) => `  error budget spent: ${b.service} / ${b.slo} in ${b.environment} since ${b.since}`,
    ),
  ].join("\n");
}
