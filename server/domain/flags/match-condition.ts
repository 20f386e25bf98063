import type {
  AttributeCondition,
  Condition,
  ConditionValue,
  EvaluationContext,
  SegmentDefinition,
} from "./flag-types";
import { compareSemVer, parseSemVer } from "./semver";

export type SegmentLookup = ReadonlyMap<string, SegmentDefinition>;

/** The attribute's value, own properties only, so "constructor" or "__proto__" never match by accident. */
function attributeOf(context: EvaluationContext, attribute: string): unknown {
  return Object.hasOwn(context, attribute) ? context[attribute] : undefined;
}

function isScalar(value: unknown): value is ConditionValue {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && !Number.isNaN(value))
  );
}

function matchesIn(actual: unknown, values: readonly ConditionValue[]): boolean {
  if (Array.isArray(actual)) return actual.some((item) => isScalar(item) && values.includes(item));
  return isScalar(actual) && values.includes(actual);
}

function compareNumbers(actual: unknown, expected: ConditionValue | undefined): number | null {
  if (typeof actual !== "number" || !Number.isFinite(actual) || typeof expected !== "number") return null;
  return Math.sign(actual - expected);
}

function compareVersions(actual: unknown, expected: ConditionValue | undefined): number | null {
  if (typeof actual !== "string" || typeof expected !== "string") return null;
  const a = parseSemVer(actual);
  const b = parseSemVer(expected);
  return a && b ? compareSemVer(a, b) : null;
}

function matchesString(
  actual: unknown,
  values: readonly ConditionValue[],
  test: (a: string, v: string) => boolean,
) {
  return typeof actual === "string" && values.some((v) => typeof v === "string" && test(actual, v));
}

/** One attribute condition. An absent attribute, or one of the wrong type, matches nothing. */
export function matchesAttribute(condition: AttributeCondition, context: EvaluationContext): boolean {
  const actual = attributeOf(context, condition.attribute);
  if (actual === undefined || actual === null) return false;
  const { values } = condition;
  const expected = values[0];
  switch (condition.operator) {
    case "in":
      return matchesIn(actual, values);
    case "not_in":
      return (isScalar(actual) || Array.isArray(actual)) && !matchesIn(actual, values);
    case "equals":
      return isScalar(actual) && actual === expected;
    case "not_equals":
      return isScalar(actual) && actual !== expected;
    case "contains":
      return matchesString(actual, values, (a, v) => a.includes(v));
    case "starts_with":
      return matchesString(actual, values, (a, v) => a.startsWith(v));
    case "ends_with":
      return matchesString(actual, values, (a, v) => a.endsWith(v));
    case "lt":
      return compareNumbers(actual, expected) === -1;
    case "lte":
      return (compareNumbers(actual, expected) ?? 1) <= 0;
    case "gt":
      return compareNumbers(actual, expected) === 1;
    case "gte":
      return (compareNumbers(actual, expected) ?? -1) >= 0;
    case "semver_eq":
      return compareVersions(actual, expected) === 0;
    case "semver_lt":
      return compareVersions(actual, expected) === -1;
    case "semver_lte":
      return (compareVersions(actual, expected) ?? 1) <= 0;
    case "semver_gt":
      return compareVersions(actual, expected) === 1;
    case "semver_gte":
      return (compareVersions(actual, expected) ?? -1) >= 0;
    default: {
      const unknown: never = condition.operator;
      return unknown;
    }
  }
}

/** In the segment: a listed targeting key, or every condition of one of its rules matches. */
export function inSegment(segment: SegmentDefinition, context: EvaluationContext): boolean {
  const key = context.targetingKey;
  if (typeof key === "string" && segment.includedKeys.includes(key)) return true;
  return segment.rules.some((rule) => rule.conditions.every((c) => matchesAttribute(c, context)));
}

/** A segment the rules name but nobody defined matches nothing (writes refuse such references). */
export function matchesCondition(condition: Condition, context: EvaluationContext, segments: SegmentLookup) {
  if ("segment" in condition) {
    const segment = segments.get(condition.segment);
    if (!segment) return false;
    return inSegment(segment, context) !== (condition.negate ?? false);
  }
  return matchesAttribute(condition, context);
}
