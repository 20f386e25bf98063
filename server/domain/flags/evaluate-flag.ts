import { isInRollout } from "../bucketing/sticky-bucket";
import { selectVariant } from "../bucketing/variant-selection";
import type {
  Cohort,
  EvaluableFlag,
  EvaluationContext,
  FlagErrorCode,
  FlagEvaluation,
  FlagEvaluationError,
  ResolutionReason,
} from "./flag-types";
import { matchesCondition } from "./match-condition";

function failure(key: string, errorCode: FlagErrorCode, errorDetails: string): FlagEvaluationError {
  return { key, reason: "ERROR", errorCode, errorDetails };
}

function resolve(
  flag: EvaluableFlag,
  variant: string,
  reason: ResolutionReason,
  cohort: Cohort | null,
): FlagEvaluation {
  const found = flag.variants.find((v) => v.name === variant);
  if (!found) return failure(flag.key, "GENERAL", `flag ${flag.key} has no variant ${variant}`);
  return { key: flag.key, value: found.value, variant, reason, cohort };
}

/**
 * Why a context cannot be evaluated, naming the field as an OFREP request names it
 * (`context.targetingKey: must be a string`), or null. Only the shape is checked: attributes are
 * free-form. The same for every flag, so a bulk evaluation can refuse the whole request with it.
 */
export function contextProblem(context: unknown): string | null {
  if (typeof context !== "object" || context === null || Array.isArray(context)) {
    return "context: must be an object";
  }
  const key = (context as EvaluationContext).targetingKey;
  if (key !== undefined && typeof key !== "string") return "context.targetingKey: must be a string";
  return null;
}

/**
 * Resolves a flag for one context, purely: the same flag and context give the same answer in every
 * process. Order: disabled or killed → off variant (before anything else, so a kill always wins); the
 * first matching rule; the percentage (sticky bucket of the targeting key, group = flag key, so raising
 * it never moves an exposed key out); else the default variant.
 */
export function evaluateFlag(flag: EvaluableFlag, context: EvaluationContext): FlagEvaluation {
  if (!flag.enabled || flag.killed) return resolve(flag, flag.offVariant, "DISABLED", null);
  const problem = contextProblem(context);
  if (problem) return failure(flag.key, "INVALID_CONTEXT", problem);
  const targetingKey = context.targetingKey || null;

  for (const rule of flag.rules) {
    if (!rule.conditions.every((c) => matchesCondition(c, context, flag.segments))) continue;
    if ("variant" in rule.serve) return resolve(flag, rule.serve.variant, "TARGETING_MATCH", null);
    if (targetingKey === null) {
      return failure(flag.key, "TARGETING_KEY_MISSING", `rule ${rule.name} splits by targetingKey`);
    }
    const chosen = selectVariant(
      targetingKey,
      flag.key,
      rule.serve.split.map((s) => ({ name: s.variant, weight: s.weight })),
    );
    return resolve(flag, chosen?.name ?? flag.defaultVariant, "SPLIT", null);
  }

  const percentage = flag.percentage;
  if (percentage === null) {
    return resolve(flag, flag.defaultVariant, flag.rules.length === 0 ? "STATIC" : "DEFAULT", null);
  }
  let exposed: boolean;
  if (percentage.percent <= 0) exposed = false;
  else if (percentage.percent >= 100) exposed = true;
  else if (targetingKey === null) {
    return failure(
      flag.key,
      "TARGETING_KEY_MISSING",
      `flag ${flag.key} serves ${percentage.percent}% and buckets by targetingKey`,
    );
  } else exposed = isInRollout(targetingKey, flag.key, percentage.percent);
  const cohort: Cohort | null = percentage.rolloutId === null ? null : exposed ? "canary" : "baseline";
  return resolve(flag, exposed ? percentage.variant : flag.defaultVariant, "SPLIT", cohort);
}
