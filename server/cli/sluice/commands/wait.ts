import { setTimeout as sleep } from "node:timers/promises";
import type { RolloutJson } from "../api-types";
import { CliError } from "../cli-error";
import type { Command } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { durationOption } from "../options";
import { stateText, stepText } from "../rollout-format";

type Outcome = "completed" | "rolled_back" | "aborted" | "needs_human" | "timeout";

const EXIT_BY_OUTCOME: Record<Outcome, ExitCode> = {
  completed: EXIT.OK,
  rolled_back: EXIT.FAILED,
  aborted: EXIT.FAILED,
  needs_human: EXIT.NEEDS_HUMAN,
  timeout: EXIT.TIMEOUT,
};

/** Where waiting ends for this rollout, or null to keep polling. */
function outcomeOf(r: RolloutJson, keepWaiting: boolean): Outcome | null {
  switch (r.state) {
    case "completed":
    case "rolled_back":
    case "aborted":
      return r.state;
    case "paused":
      return keepWaiting ? null : "needs_human";
    case "running":
      return r.phase === "awaiting_approval" && !keepWaiting ? "needs_human" : null;
    case "draft":
      return null;
  }
}

export const waitCommand: Command = {
  name: "wait",
  summary: "Wait until a rollout completes, rolls back, or needs a person; the exit code says which",
  args: ["<rollout>"],
  options: {
    timeout: {
      type: "string",
      value: "<duration>",
      description: "Give up after this long, e.g. 90s, 30m, 2h (default 1h)",
    },
    interval: { type: "string", value: "<duration>", description: "Time between polls (default 5s)" },
    "keep-waiting": {
      type: "boolean",
      description: "Keep waiting while the rollout is paused or awaits approval",
    },
  },
  details:
    "Exits 0 when completed; 1 when rolled back (a failed gate or a kill) or aborted; 3 when paused or\n" +
    "awaiting approval (unless --keep-waiting); 4 on --timeout; 7 if the server stayed unreachable until then;\n" +
    "2 at once if --url answers something other than JSON (not a Sluice server, e.g. a login page).\n" +
    "A draft rollout is waited on until it starts and ends. Brief outages are retried until the timeout.\n" +
    'Progress and outage notes go to stderr, with --json as JSON lines {"note": "..."}; stdout holds only\n' +
    "the result.",
  async run({ args, values, out, api }) {
    const id = args[0] as string;
    const deadline = Date.now() + durationOption(values, "timeout", "1h");
    const interval = durationOption(values, "interval", "5s");
    const keepWaiting = values["keep-waiting"] === true;
    const client = api();
    let seen = "";
    let last: RolloutJson | null = null;
    let outage: CliError | null = null;
    for (;;) {
      // A request may not outlast the deadline; one cut off by it says nothing of the server.
      const untilDeadline = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
      try {
        last = await client.get<RolloutJson>(`/rollouts/${encodeURIComponent(id)}`, untilDeadline);
        outage = null;
        // Some other JSON API (a wrong URL) would otherwise be polled, silently, until the timeout.
        if (typeof last?.state !== "string") {
          throw new CliError(
            EXIT.USAGE,
            "NOT_A_ROLLOUT",
            `the server at ${client.url} answered JSON that is not a rollout: is SLUICE_URL (or --url) Sluice's address?`,
          );
        }
      } catch (error) {
        // Cut off by the deadline: the check below ends the wait, judged by the polls before.
        if (!untilDeadline.aborted) {
          if (!(error instanceof CliError) || error.exitCode !== EXIT.UNAVAILABLE) throw error;
          outage = error;
          out.note(`still waiting: ${error.message}`);
        }
      }
      if (last) {
        const where = `${last.service} ${last.id}: ${stateText(last)}, step ${stepText(last)}, exposure ${last.exposurePercent}%`;
        if (where !== seen) out.note(where);
        seen = where;
        const outcome = outcomeOf(last, keepWaiting);
        if (outcome) return finish(outcome, last);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        if (outage) throw outage;
        return finish("timeout", last);
      }
      await sleep(Math.min(interval, remaining));
    }

    function finish(outcome: Outcome, rollout: RolloutJson | null): ExitCode {
      out.result({ outcome, rollout }, () => `${outcome.replace("_", " ")}: ${rollout ? seen : id}`);
      return EXIT_BY_OUTCOME[outcome];
    }
  },
};
