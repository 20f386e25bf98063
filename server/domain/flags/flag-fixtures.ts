// Shared builders for the flag tests. Not used by production code.
import type { EvaluableFlag, SegmentDefinition } from "./flag-types";

/** A release flag: off/on booleans, default off, "on" for keys inside the percentage. */
export function releaseFlag(overrides: Partial<EvaluableFlag> = {}): EvaluableFlag {
  return {
    key: "checkout.new-summary",
    variants: [
      { name: "on", value: true },
      { name: "off", value: false },
    ],
    defaultVariant: "off",
    offVariant: "off",
    rules: [],
    percentage: null,
    enabled: true,
    killed: false,
    segments: new Map(),
    ...overrides,
  };
}

export function segments(...list: SegmentDefinition[]): ReadonlyMap<string, SegmentDefinition> {
  return new Map(list.map((s) => [s.key, s]));
}
