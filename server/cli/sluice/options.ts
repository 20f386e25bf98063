import { type ParseArgsConfig, parseArgs } from "node:util";
import { usageError } from "./cli-error";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. "<reason>". */
  value?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Accepted by every command. */
export const GLOBAL_OPTIONS = {
  url: {
    type: "string",
    value: "<url>",
    description: "Sluice server, e.g. https://sluice.example ($SLUICE_URL)",
  },
  token: { type: "string", value: "<token>", description: "API token, slc_… ($SLUICE_TOKEN)" },
  json: { type: "boolean", description: "Print JSON for scripts instead of tables" },
  help: { type: "boolean", short: "h", description: "Show this command's help" },
} satisfies OptionSpecs;

/** node:util parseArgs, strict, with its complaints turned into usage errors. */
export function parseCommandArgs(options: OptionSpecs, args: readonly string[]) {
  const config: ParseArgsConfig["options"] = {};
  const all: OptionSpecs = { ...GLOBAL_OPTIONS, ...options };
  for (const [name, { type, short, multiple }] of Object.entries(all)) {
    config[name] = { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: config,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : [];
}

/** A whole number ≥ 0 from a flag, or a usage error naming the flag. */
export function countOption(values: OptionValues, name: string): number | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`--${name}: expected a whole number, got ${value}`);
  return Number(value);
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** "90", "90s", "1.5m", "2h", "500ms" → milliseconds (a bare number is seconds). */
export function durationOption(values: OptionValues, name: string, fallback: string): number {
  const value = stringOption(values, name) ?? fallback;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[(match[2] ?? "s") as keyof typeof UNIT_MS] : Number.NaN;
  if (!(ms > 0)) throw usageError(`--${name}: expected a duration like 90s, 15m or 2h, got ${value}`);
  return ms;
}
