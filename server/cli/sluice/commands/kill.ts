import { randomUUID } from "node:crypto";
import type { OutcomeJson } from "../api-types";
import { usageError } from "../cli-error";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { stringOption } from "../options";
import { stateText } from "../rollout-format";
import { formatTable } from "../table";
import { COMMAND_OPTIONS, requireReason, sendRolloutCommand } from "./rollout-commands";

export const killCommand: Command = {
  name: "kill",
  summary: "Kill switch: exposure back to last-known-good for one rollout, a service, or everything",
  args: ["[rollout]"],
  options: {
    reason: { type: "string", value: "<text>", description: "Why (required; audited)" },
    service: { type: "string", value: "<name>", description: "Kill every active rollout of this service" },
    all: { type: "boolean", description: "Kill every active rollout of every service" },
    ...COMMAND_OPTIONS,
  },
  details:
    "Name exactly one of <rollout>, --service or --all. A service or --all kill is sent with an idempotency\n" +
    "key (yours, or a fresh one), so it reverts each rollout once. Kill works during a freeze.",
  async run(call) {
    const id = call.args[0];
    const service = stringOption(call.values, "service");
    const all = call.values.all === true;
    if ([id !== undefined, service !== undefined, all].filter(Boolean).length !== 1)
      throw usageError("kill: name exactly one of <rollout>, --service <name> or --all");
    requireReason(call);
    if (id !== undefined) return sendRolloutCommand(call, "kill", id);
    if (call.values["expected-version"] !== undefined)
      throw usageError("--expected-version: only for a single rollout");
    const { outcomes } = await call.api().post<{ outcomes: OutcomeJson[] }>("/kill", {
      ...(all ? { all: true } : { service }),
      reason: stringOption(call.values, "reason"),
      idempotencyKey: stringOption(call.values, "idempotency-key") ?? randomUUID(),
    });
    call.out.result({ outcomes }, () =>
      outcomes.length === 0
        ? `No active rollout ${all ? "anywhere" : `of ${service}`}: nothing to kill.`
        : formatTable(
            ["ID", "SERVICE", "STATE", "EXPOSURE", "LAST-GOOD", "CHANGED"],
            outcomes.map(({ rollout: r, changed }) => [
              r.id,
              r.service,
              stateText(r),
              `${r.exposurePercent}%`,
              `${r.lastKnownGoodPercent}%`,
              changed ? "yes" : "no",
            ]),
          ),
    );
    return EXIT.OK;
  },
};
