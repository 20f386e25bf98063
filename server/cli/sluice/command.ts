import type { ApiClient } from "./api-client";
import type { ExitCode } from "./exit-codes";
import type { OptionSpecs, OptionValues } from "./options";
import type { Output } from "./output";

export interface CommandCall {
  values: OptionValues;
  /** The positional arguments, already counted against `args`. */
  args: string[];
  out: Output;
  /** The server client from --url/--token or SLUICE_URL/SLUICE_TOKEN; a usage error when either is missing. */
  api(): ApiClient;
}

export interface Command {
  /** One or two words, e.g. "advance" or "incident declare". */
  name: string;
  summary: string;
  /** Positional arguments in help form: "<required>" or "[optional]". */
  args: readonly string[];
  options?: OptionSpecs;
  /** More help below the options, e.g. what the exit codes mean for this command. */
  details?: string;
  run(call: CommandCall): Promise<ExitCode>;
}
