import type { Command } from "./command";
import { EXIT_CODES_HELP } from "./exit-codes";
import { GLOBAL_OPTIONS, type OptionSpecs } from "./options";
import { formatTable } from "./table";

const SERVER_HELP =
  "Server commands need --url and --token (or SLUICE_URL and SLUICE_TOKEN): an API token from an admin,\n" +
  "with scope read (status, rollouts, wait), rollouts:write (rollout commands, kill) or incidents:write.";

const usageLine = (command: Command) =>
  ["sluice", command.name, ...command.args, ...(command.options ? ["[options]"] : [])].join(" ");

function optionTable(options: OptionSpecs): string {
  return formatTable(
    ["", ""],
    Object.entries(options).map(([name, o]) => [
      `  ${o.short ? `-${o.short}, ` : ""}--${name}${o.value ? ` ${o.value}` : ""}`,
      o.description,
    ]),
  )
    .split("\n")
    .slice(1)
    .join("\n");
}

export function overallHelp(commands: readonly Command[]): string {
  return [
    "sluice — the Sluice progressive-delivery CLI",
    "",
    "Usage: sluice <command> [arguments] [options]",
    "",
    "Commands:",
    formatTable(
      ["", ""],
      commands.map((c) => [`  ${c.name}`, c.summary]),
    )
      .split("\n")
      .slice(1)
      .join("\n"),
    "",
    "Options for every command:",
    optionTable(GLOBAL_OPTIONS),
    "",
    SERVER_HELP,
    "Run 'sluice <command> --help' for a command's arguments and options.",
    "",
    EXIT_CODES_HELP,
  ].join("\n");
}

export function commandHelp(command: Command): string {
  return [
    `Usage: ${usageLine(command)}`,
    "",
    command.summary,
    ...(command.details ? ["", command.details] : []),
    ...(command.options ? ["", "Options:", optionTable(command.options)] : []),
    "",
    "Options for every command:",
    optionTable(GLOBAL_OPTIONS),
  ].join("\n");
}
