import type { RolloutJson, RolloutState } from "../api-types";
import { usageError } from "../cli-error";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { stringOption } from "../options";
import { rolloutTable } from "../rollout-format";

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
  },
  async run({ values, out, api }) {
    const service = stringOption(values, "service");
    const state = stringOption(values, "state");
    if (state !== undefined && !STATES.includes(state as RolloutState))
      throw usageError(`--state: expected one of ${STATES.join(", ")}, got ${state}`);
    const { rollouts } = await api().get<{ rollouts: RolloutJson[] }>("/rollouts");
    const shown = rollouts.filter(
      (r) => (service === undefined || r.service === service) && (state === undefined || r.state === state),
    );
    out.result({ rollouts: shown }, () => rolloutTable(shown));
    return EXIT.OK;
  },
};
