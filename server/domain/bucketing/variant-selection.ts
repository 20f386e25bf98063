import { AppError } from "../errors";
import { normalizedValue, VARIANT_SEED } from "./sticky-bucket";

export interface WeightedVariant {
  name: string;
  /** Relative weight, a non-negative integer (Unleash uses a total of 1000). */
  weight: number;
}

/**
 * Unleash's weighted variant choice: target = normalizedValue(key, groupId, totalWeight, VARIANT_SEED)
 * in 1..total, then the first variant whose running weight total reaches it. Zero-weight variants are
 * never chosen. Null when there are no variants or the weights sum to zero.
 */
export function selectVariant<V extends WeightedVariant>(
  key: string,
  groupId: string,
  variants: readonly V[],
): V | null {
  let total = 0;
  variants.forEach((v, i) => {
    if (!Number.isInteger(v.weight) || v.weight < 0) {
      throw new AppError(
        "BAD_INPUT",
        `variants[${i}].weight must be a non-negative integer`,
        `variants[${i}].weight`,
      );
    }
    total += v.weight;
  });
  if (total === 0) return null;
  const target = normalizedValue(key, groupId, total, VARIANT_SEED);
  let running = 0;
  for (const variant of variants) {
    if (variant.weight === 0) continue;
    running += variant.weight;
    if (running >= target) return variant;
  }
  return null;
}
