import type { Command } from "../command";
import { analyzeCommand } from "./analyze";
import { incidentDeclareCommand, incidentResolveCommand } from "./incident";
import { killCommand } from "./kill";
import { ROLLOUT_COMMANDS } from "./rollout-commands";
import { rolloutsCommand } from "./rollouts";
import { statusCommand } from "./status";
import { waitCommand } from "./wait";

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  statusCommand,
  rolloutsCommand,
  ...ROLLOUT_COMMANDS,
  killCommand,
  waitCommand,
  incidentDeclareCommand,
  incidentResolveCommand,
  analyzeCommand,
];
