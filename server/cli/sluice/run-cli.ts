import { createApiClient } from "./api-client";
import { CliError, usageError } from "./cli-error";
import type { Command } from "./command";
import { COMMANDS } from "./commands";
import { EXIT, type ExitCode } from "./exit-codes";
import { commandHelp, overallHelp } from "./help";
import { parseCommandArgs, stringOption } from "./options";
import { createOutput } from "./output";

type Env = Record<string, string | undefined>;

/** The command named by the first one or two words ("incident declare"), and the arguments after it. */
function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return null;
}

/** Runs one invocation and returns its exit code; never throws. */
export async function runCli(argv: readonly string[], env: Env): Promise<ExitCode> {
  const out = createOutput(argv.includes("--json"));
  try {
    return await dispatch(argv, env, out);
  } catch (error) {
    const failure =
      error instanceof CliError
        ? error
        : new CliError(
            EXIT.UNAVAILABLE,
            "INTERNAL",
            `unexpected failure: ${(error as Error)?.message ?? error}`,
          );
    out.error(failure);
    if (failure.exitCode === EXIT.USAGE && failure.code === "USAGE")
      process.stderr.write("Run 'sluice --help' for usage.\n");
    return failure.exitCode;
  }
}

async function dispatch(argv: readonly string[], env: Env, out: ReturnType<typeof createOutput>) {
  const first = argv[0];
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? findCommand(argv.slice(1)) : null;
    process.stdout.write(`${topic ? commandHelp(topic.command) : overallHelp(COMMANDS)}\n`);
    return first === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const found = findCommand(argv);
  if (!found) {
    const prefix =
      first === "incident" ? "incident: expected declare or resolve" : `unknown command ${first}`;
    throw usageError(`${prefix}; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
  }
  const { command, rest } = found;
  const { values, positionals } = parseCommandArgs(command.options ?? {}, rest);
  if (values.help === true) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return EXIT.OK;
  }
  const required = command.args.filter((a) => a.startsWith("<")).length;
  if (positionals.length < required || positionals.length > command.args.length) {
    const expected = command.args.length ? command.args.join(" ") : "no arguments";
    throw usageError(
      `${command.name}: expected ${expected}, got ${positionals.length ? positionals.join(" ") : "none"}`,
    );
  }
  return command.run({
    values,
    args: positionals,
    out,
    api() {
      const url = stringOption(values, "url") ?? env.SLUICE_URL;
      const token = stringOption(values, "token") ?? env.SLUICE_TOKEN;
      if (!url) throw usageError("no server: pass --url <url> or set SLUICE_URL");
      if (!token) throw usageError("no API token: pass --token <token> or set SLUICE_TOKEN");
      return createApiClient(url, token);
    },
  });
}
