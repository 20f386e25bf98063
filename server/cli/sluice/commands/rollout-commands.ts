import type { OutcomeJson } from "../api-types";
import { usageError } from "../cli-error";
import type { Command, CommandCall } from "../command";
import { EXIT } from "../exit-codes";
import { countOption, type OptionSpecs, stringOption } from "../options";
import { outcomeLine } from "../rollout-format";

type RolloutCommandType = "start" | "advance" | "approve" | "pause" | "resume" | "abort" | "kill";

/** Options every single-rollout command takes, as POST /rollouts/{id}/{command} does. */
export const COMMAND_OPTIONS = {
  "expected-version": {
    type: "string",
    value: "<n>",
    description:
      "Act only if the rollout is still at this version, else CONFLICT (pause and kill act anyway)",
  },
  "idempotency-key": {
    type: "string",
    value: "<key>",
    description: "Repeats with the same key have no second effect (safe retries from CI)",
  },
} satisfies OptionSpecs;

const reasonOption = (required: boolean) => ({
  reason: {
    type: "string" as const,
    value: "<text>",
    description: required ? "Why (required; audited)" : "Why (audited)",
  },
});

/** Sends one command to one rollout and prints where the rollout is now. Unset flags are left out. */
export async function sendRolloutCommand(call: CommandCall, type: RolloutCommandType, id: string) {
  const outcome = await call.api().post<OutcomeJson>(`/rollouts/${encodeURIComponent(id)}/${type}`, {
    reason: stringOption(call.values, "reason"),
    expectedVersion: countOption(call.values, "expected-version"),
    idempotencyKey: stringOption(call.values, "idempotency-key"),
  });
  call.out.result(outcome, () => outcomeLine(type, outcome));
  return EXIT.OK;
}

export function requireReason(call: CommandCall): void {
  if (!stringOption(call.values, "reason")?.trim())
    throw usageError("--reason: required: say why (it is recorded in the audit log)");
}

function rolloutCommand(type: Exclude<RolloutCommandType, "kill">, summary: string): Command {
  const needsReason = type === "abort";
  return {
    name: type,
    summary,
    args: ["<rollout>"],
    options: { ...(type === "pause" || needsReason ? reasonOption(needsReason) : {}), ...COMMAND_OPTIONS },
    async run(call) {
      if (needsReason) requireReason(call);
      return sendRolloutCommand(call, type, call.args[0] as string);
    },
  };
}

export const ROLLOUT_COMMANDS: readonly Command[] = [
  rolloutCommand("start", "Start a draft rollout: its first step goes live (or awaits approval)"),
  rolloutCommand("advance", "Ramp a rollout whose current step passed to its next step"),
  rolloutCommand("approve", "Approve the step awaiting approval: its exposure goes live"),
  rolloutCommand("pause", "Pause a rollout where it is (allowed during a freeze)"),
  rolloutCommand("resume", "Resume a paused rollout; a paused hold restarts in full"),
  rolloutCommand("abort", "Abort a rollout: exposure back to 0%"),
];
