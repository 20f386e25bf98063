import type { RolloutState } from "../api-types";
import { usageError } from "../cli-error";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { countOption, stringOption } from "../options";
import { rolloutTable } from "../rollout-format";
import { fetchRollouts } from "../rollout-pages";

const DEFAULT_LIMIT = 100;

const STATES: readonly RolloutState[] = ["draft", "running", "paused", "completed", "rolled_back", "aborted"];

export const rolloutsCommand: Command = {
  name: "rollouts",
  summary: "List rollouts, newest first",
  args: [],
  options: {
    service: { type: "string", value: "<name>", description: "Only this service's rollouts" },
    state: {
      type: "string",
      value: "<state>",
      description: `Only rollouts in this state: ${STATES.join(", ")}`,
    },
    limit: {
      type: "string",
      value: "<n>",
      description: `Show at most this many, the newest (default ${DEFAULT_LIMIT})`,
    },
  },
  async run({ values, out, api }) {
    const service = stringOption(values, "service");
    const state = stringOption(values, "state");
    if (state !== undefined && !STATES.includes(state as RolloutState))
      throw usageError(`--state: expected one of ${STATES.join(", ")}, got ${state}`);
    const limit = countOption(values, "limit") ?? DEFAULT_LIMIT;
    if (limit < 1) throw usageError("--limit: expected at least 1");
    const states = state === undefined ? undefined : [state as RolloutState];
    const { rollouts, more } = await fetchRollouts(api(), { service, states }, limit);
    out.result({ rollouts, more }, () =>
      more
        ? `${rolloutTable(rollouts)}\nOlder rollouts not shown: raise --limit to see them.`
        : rolloutTable(rollouts),
    );
    return EXIT.OK;
  },
};
