import { EXIT, type ExitCode } from "./exit-codes";

/**
 * Everything that ends a command early. `code` is the server's error code when the server answered
 * (e.g. ILLEGAL_TRANSITION), else the CLI's own (USAGE, UNAVAILABLE).
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
    readonly details: { field?: string; status?: number } = {},
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(EXIT.USAGE, "USAGE", message);
