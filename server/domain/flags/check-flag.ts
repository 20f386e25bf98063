import { AppError } from "../errors";
import type {
  AttributeCondition,
  Condition,
  FlagValue,
  FlagValueKind,
  FlagVariant,
  Operator,
  SegmentDefinition,
  TargetingRule,
} from "./flag-types";
import { parseSemVer } from "./semver";

/** The parts of a flag a release manager edits; checked as a whole before anything is stored. */
export interface FlagConfig {
  variants: readonly FlagVariant[];
  defaultVariant: string;
  offVariant: string;
  rules: readonly TargetingRule[];
  /** Variant for keys inside the percentage; null: no percentage. */
  percentageVariant: string | null;
  /** A fixed percentage, for a flag no rollout drives. */
  percentage: number | null;
}

export interface FlagCheckOptions {
  /** Segment keys that exist; a rule may only name these. */
  segments: ReadonlySet<string>;
  /** A flag rollout drives the percentage, so the flag must say which variant it exposes. */
  drivenByRollout: boolean;
}

function bad(field: string, message: string): never {
  throw new AppError("BAD_INPUT", `${field}: ${message}`, field);
}

export function valueKind(value: FlagValue): FlagValueKind | null {
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "string":
      return "string";
    case "number":
      return Number.isFinite(value) ? "number" : null;
    case "object":
      return value !== null && !Array.isArray(value) ? "object" : null;
    default:
      return null;
  }
}

const MULTI_VALUE: ReadonlySet<Operator> = new Set(["in", "not_in", "contains", "starts_with", "ends_with"]);
const STRING_VALUES: ReadonlySet<Operator> = new Set(["contains", "starts_with", "ends_with"]);

function checkAttributeCondition(c: AttributeCondition, field: string): void {
  if (c.attribute.trim() === "") bad(`${field}.attribute`, "name the context attribute");
  if (MULTI_VALUE.has(c.operator)) {
    if (c.values.length === 0) bad(`${field}.values`, `${c.operator} needs at least one value`);
  } else if (c.values.length !== 1) {
    bad(`${field}.values`, `${c.operator} compares with exactly one value`);
  }
  c.values.forEach((v, i) => {
    const at = `${field}.values[${i}]`;
    if (STRING_VALUES.has(c.operator) && typeof v !== "string") bad(at, `${c.operator} compares strings`);
    if (["lt", "lte", "gt", "gte"].includes(c.operator) && (typeof v !== "number" || !Number.isFinite(v))) {
      bad(at, `${c.operator} compares numbers`);
    }
    if (c.operator.startsWith("semver_") && (typeof v !== "string" || parseSemVer(v) === null)) {
      bad(at, `${c.operator} needs a semantic version such as 1.4.0`);
    }
  });
}

function checkCondition(c: Condition, field: string, segments: ReadonlySet<string>): void {
  if ("segment" in c) {
    if (!segments.has(c.segment)) bad(`${field}.segment`, `no segment named ${c.segment}`);
    return;
  }
  checkAttributeCondition(c, field);
}

function checkVariantName(name: string, names: ReadonlySet<string>, field: string): void {
  if (!names.has(name)) bad(field, `no variant named ${name}`);
}

function checkRule(
  rule: TargetingRule,
  field: string,
  names: ReadonlySet<string>,
  options: FlagCheckOptions,
) {
  rule.conditions.forEach((c, i) => {
    checkCondition(c, `${field}.conditions[${i}]`, options.segments);
  });
  if ("variant" in rule.serve) {
    checkVariantName(rule.serve.variant, names, `${field}.serve.variant`);
    return;
  }
  const split = rule.serve.split;
  if (split.length === 0) bad(`${field}.serve.split`, "a split needs at least one variant");
  let total = 0;
  split.forEach((s, i) => {
    checkVariantName(s.variant, names, `${field}.serve.split[${i}].variant`);
    if (!Number.isInteger(s.weight) || s.weight < 0) {
      bad(`${field}.serve.split[${i}].weight`, "must be a non-negative integer");
    }
    total += s.weight;
  });
  if (total === 0) bad(`${field}.serve.split`, "weights must not all be zero");
}

/** Throws BAD_INPUT naming the first offending field; a flag that passes always evaluates cleanly. */
export function checkFlagConfig(config: FlagConfig, options: FlagCheckOptions): void {
  if (config.variants.length === 0) bad("variants", "a flag needs at least one variant");
  const names = new Set<string>();
  const firstKind = valueKind(config.variants[0]?.value as FlagValue);
  config.variants.forEach((v, i) => {
    if (v.name.trim() === "") bad(`variants[${i}].name`, "name the variant");
    if (names.has(v.name)) bad(`variants[${i}].name`, `${v.name} is listed twice`);
    names.add(v.name);
    const kind = valueKind(v.value);
    if (kind === null) bad(`variants[${i}].value`, "must be a boolean, string, finite number or object");
    if (kind !== firstKind) bad(`variants[${i}].value`, `must be a ${firstKind} like the first variant's`);
  });
  checkVariantName(config.defaultVariant, names, "defaultVariant");
  checkVariantName(config.offVariant, names, "offVariant");
  config.rules.forEach((rule, i) => {
    checkRule(rule, `rules[${i}]`, names, options);
  });
  if (config.percentageVariant !== null)
    checkVariantName(config.percentageVariant, names, "percentageVariant");
  else if (options.drivenByRollout)
    bad("percentageVariant", "a rollout's flag must name the variant it exposes");
  else if (config.percentage !== null)
    bad("percentageVariant", "a percentage must name the variant it serves");
  if (config.percentage !== null) {
    const p = config.percentage;
    if (!Number.isFinite(p) || p < 0 || p > 100) bad("percentage", "must be within 0..100");
    if (Math.abs(p * 100 - Math.round(p * 100)) > 1e-9) bad("percentage", "has a precision of 0.01");
  }
}

/** A segment's rules may only compare attributes: no segment inside a segment, so no cycles. */
export function checkSegment(segment: Omit<SegmentDefinition, "key">): void {
  segment.includedKeys.forEach((k, i) => {
    if (k === "") bad(`includedKeys[${i}]`, "must not be empty");
  });
  segment.rules.forEach((rule, r) => {
    if (rule.conditions.length === 0) bad(`rules[${r}].conditions`, "a segment rule needs a condition");
    rule.conditions.forEach((c, i) => {
      checkAttributeCondition(c, `rules[${r}].conditions[${i}]`);
    });
  });
}
