/** A variant's value. All variants of one flag hold the same kind, so SDKs can resolve it typed. */
export type FlagValue = boolean | string | number | { readonly [key: string]: unknown };
export type FlagValueKind = "boolean" | "string" | "number" | "object";

export interface FlagVariant {
  name: string;
  value: FlagValue;
}

/** A scalar a condition compares an attribute with. */
export type ConditionValue = string | number | boolean;

export const OPERATORS = [
  "in",
  "not_in",
  "equals",
  "not_equals",
  "contains",
  "starts_with",
  "ends_with",
  "lt",
  "lte",
  "gt",
  "gte",
  "semver_eq",
  "semver_lt",
  "semver_lte",
  "semver_gt",
  "semver_gte",
] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * Compares one context attribute. `targetingKey` names the context's targeting key. A context without
 * the attribute matches no condition on it (not even `not_in`): missing data never widens targeting.
 */
export interface AttributeCondition {
  attribute: string;
  operator: Operator;
  values: readonly ConditionValue[];
}

/** In (or, negated, not in) a named segment. */
export interface SegmentCondition {
  segment: string;
  negate?: boolean;
}

export type Condition = AttributeCondition | SegmentCondition;

export interface WeightedServe {
  variant: string;
  /** Non-negative integer; shares are weight / total. */
  weight: number;
}

/** What a matching rule serves: one variant, or a sticky weighted split of the targeting key. */
export type RuleServe = { variant: string } | { split: readonly WeightedServe[] };

/** Matches when all its conditions match (no conditions: everyone). Rules are tried in order. */
export interface TargetingRule {
  name: string;
  conditions: readonly Condition[];
  serve: RuleServe;
}

/** A reusable audience: its listed targeting keys, plus every context that matches one of its rules. */
export interface SegmentDefinition {
  key: string;
  includedKeys: readonly string[];
  rules: readonly { conditions: readonly AttributeCondition[] }[];
}

/**
 * The percentage of a flag: keys whose sticky bucket (group = flag key) is below `percent` get
 * `variant`, the others the flag's default. `rolloutId` is set when a flag rollout drives `percent`:
 * then its callers are the rollout's canary or baseline cohort.
 */
export interface FlagPercentage {
  variant: string;
  percent: number;
  rolloutId: string | null;
}

/** A flag as evaluation needs it: the stored definition with its percentage resolved. */
export interface FlagDefinition {
  key: string;
  variants: readonly FlagVariant[];
  defaultVariant: string;
  offVariant: string;
  rules: readonly TargetingRule[];
  percentage: FlagPercentage | null;
  enabled: boolean;
  killed: boolean;
}

/** A flag ready to evaluate: its definition and the segments its rules may name. */
export interface EvaluableFlag extends FlagDefinition {
  segments: ReadonlyMap<string, SegmentDefinition>;
}

/** OpenFeature evaluation context: an optional targeting key and any attributes. */
export interface EvaluationContext {
  targetingKey?: string;
  [attribute: string]: unknown;
}

/** OpenFeature resolution reasons (the subset Sluice produces), as the OFREP serves them. */
export type ResolutionReason = "STATIC" | "TARGETING_MATCH" | "SPLIT" | "DISABLED" | "DEFAULT";
export type Cohort = "canary" | "baseline";

export interface FlagResolution {
  key: string;
  value: FlagValue;
  variant: string;
  reason: ResolutionReason;
  /** canary: got the rollout's variant through its percentage; baseline: in its population, not exposed. */
  cohort: Cohort | null;
}

/**
 * OFREP error codes. FLAG_NOT_FOUND comes from a store, never from evaluateFlag; GENERAL means a
 * definition that names a variant it does not have (writes refuse those, so only corrupt data).
 */
export type FlagErrorCode = "TARGETING_KEY_MISSING" | "INVALID_CONTEXT" | "FLAG_NOT_FOUND" | "GENERAL";

export interface FlagEvaluationError {
  key: string;
  reason: "ERROR";
  errorCode: FlagErrorCode;
  errorDetails: string;
}

export type FlagEvaluation = FlagResolution | FlagEvaluationError;

export function isEvaluationError(e: FlagEvaluation): e is FlagEvaluationError {
  return e.reason === "ERROR";
}
