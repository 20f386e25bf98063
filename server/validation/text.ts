import { z } from "zod";

/** PostgreSQL text and jsonb hold neither NUL nor lone UTF-16 surrogates (the query engine fails on them). */
export const storable = (value: string) => value.isWellFormed() && !value.includes("\u0000");

/** `storable` for every string (keys included) inside a JSON value. */
export function storableJson(value: unknown): boolean {
  if (typeof value === "string") return storable(value);
  if (Array.isArray(value)) return value.every(storableJson);
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).every(([k, v]) => storable(k) && storableJson(v));
  }
  return true;
}

export const NOT_STORABLE = "must be valid Unicode without NUL characters";

/**
 * For exact strings (keys, secrets) that are refused rather than trimmed: trimming would silently store
 * something other than what was meant, and " alice" never matches "alice".
 */
export const exact = (value: string) => value.trim() === value;
export const NOT_EXACT = "must not start or end with whitespace";

/** Non-empty, trimmed, storable text of at most `max` characters: every free-text input uses it. */
export const text = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max).refine(storable, NOT_STORABLE);

/** Why someone did something destructive; it goes into the audit history. */
export const reason = z
  .string()
  .trim()
  .min(3, "must say why (3+ characters)")
  .max(500)
  .refine(storable, NOT_STORABLE);
