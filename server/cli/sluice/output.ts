import type { CliError } from "./cli-error";
import { EXIT } from "./exit-codes";

const KIND: Partial<Record<number, string>> = {
  [EXIT.REFUSED]: "refused",
  [EXIT.UNAUTHORIZED]: "unauthorized",
  [EXIT.UNAVAILABLE]: "unavailable",
};

/** Where a command writes: JSON for scripts, text for people; progress and errors go to stderr. */
export interface Output {
  json: boolean;
  /** `value` as JSON with --json, else the text `human` renders. */
  result(value: unknown, human: () => string): void;
  /**
   * A progress or warning line on stderr; with --json a JSON line `{"note": …}`, like errors, so a
   * script reading stderr sees JSON and a CI log still shows a long wait's outages.
   */
  note(line: string): void;
  error(error: CliError): void;
}

export function createOutput(json: boolean): Output {
  const write = (stream: NodeJS.WriteStream, text: string) =>
    stream.write(text.endsWith("\n") ? text : `${text}\n`);
  return {
    json,
    result(value, human) {
      write(process.stdout, json ? JSON.stringify(value, null, 2) : human());
    },
    note(line) {
      write(process.stderr, json ? JSON.stringify({ note: line }) : line);
    },
    error(error) {
      const { field, status } = error.details;
      if (json) {
        const body = { code: error.code, message: error.message, ...(field ? { field } : {}) };
        write(process.stderr, JSON.stringify({ error: { ...body, ...(status ? { status } : {}) } }));
        return;
      }
      const kind = KIND[error.exitCode];
      const lines = [`sluice: ${kind ? `${kind}: ` : ""}${error.message}`];
      if (status) lines.push(`  code: ${error.code} (HTTP ${status})`);
      if (field) lines.push(`  field: ${field}`);
      write(process.stderr, lines.join("\n"));
    },
  };
}
