/** A JSON value as it reads back from the database: what `JSON.parse` can return. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The value a JSON column will hold once written: `JSON.stringify` drops `undefined`, turns Dates
 * into strings and NaN into null. Hashing the normalised value means the hash computed before the
 * write matches the one recomputed from the row read back.
 */
export function normaliseJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

/**
 * Canonical JSON text (as RFC 8785, JCS): object keys sorted by UTF-16 code units, no whitespace,
 * numbers and strings as ECMAScript's JSON.stringify writes them. PostgreSQL's jsonb reorders keys,
 * so a hash over stored JSON must not depend on key order.
 */
export function canonicalJson(value: unknown): string {
  return writeCanonical(normaliseJson(value));
}

function writeCanonical(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(writeCanonical).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${writeCanonical(value[key] as JsonValue)}`).join(",")}}`;
}
