import { AppError } from "../errors";
import { murmur3x86_32 } from "./murmur3";

/** Seed Unleash uses for gradual-rollout strategies. */
export const STRATEGY_SEED = 0;
/** Seed Unleash uses for variant selection, so variant and rollout buckets are independent. */
export const VARIANT_SEED = 86028157;
/** Buckets per key space for basis-point precision (0.01%). */
export const BASIS_POINT_BUCKETS = 10_000;

/**
 * Unleash's client-specification `normalizedValue`: murmur3(`${groupId}:${id}`, seed) mod normalizer,
 * plus one, so 1..normalizer. Unleash puts a key in a gradual rollout at p% when this is <= p.
 */
export function normalizedValue(id: string, groupId: string, normalizer = 100, seed = STRATEGY_SEED): number {
  if (!Number.isInteger(normalizer) || normalizer < 1) {
    throw new AppError("BAD_INPUT", `normalizer must be a positive integer, got ${normalizer}`, "normalizer");
  }
  return (murmur3x86_32(`${groupId}:${id}`, seed) % normalizer) + 1;
}

/** Unleash-compatible membership at an integer percentage (1..100 normalisation). */
export function isEnabledUnleash(id: string, groupId: string, percentage: number): boolean {
  return percentage > 0 && normalizedValue(id, groupId, 100, STRATEGY_SEED) <= percentage;
}

/** The key's basis-point bucket, 0..9999, stable for a (groupId, key) pair. */
export function basisPointBucket(key: string, groupId: string): number {
  return murmur3x86_32(`${groupId}:${key}`, STRATEGY_SEED) % BASIS_POINT_BUCKETS;
}

/**
 * Whether a key is exposed at `percent` (0..100, precision 0.01). In when bucket < percent*100, so
 * raising the percentage only ever adds keys: a key never flips out as a rollout ramps up.
 */
export function isInRollout(key: string, groupId: string, percent: number): boolean {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new AppError("BAD_INPUT", `percent must be within 0..100, got ${percent}`, "percent");
  }
  return basisPointBucket(key, groupId) < Math.round(percent * 100);
}
