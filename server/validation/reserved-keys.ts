import { z } from "zod";

/** Keys that mean a prototype to JavaScript: zod silently drops `__proto__`, and SDKs merging them are at risk. */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The first problem of an object's shape, too deep or a reserved key, with the path to it. Walked without
 * recursion, so a value nested 20,000 deep is refused rather than overflowing.
 */
function shapeProblem(
  value: unknown,
  maxDepth: number,
): { path: PropertyKey[]; message: string } | undefined {
  const stack: [unknown, PropertyKey[]][] = [[value, []]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, path] = next;
    if (typeof item !== "object" || item === null) continue;
    if (path.length >= maxDepth) return { path: [], message: `must nest at most ${maxDepth} levels deep` };
    for (const [key, child] of Object.entries(item)) {
      const at = [...path, Array.isArray(item) ? Number(key) : key];
      if (RESERVED_KEYS.has(key)) return { path: at, message: `"${key}" is not allowed as a key` };
      stack.push([child, at]);
    }
  }
  return undefined;
}

/**
 * `record`, after a check of the input as sent: zod's record parsing drops a `__proto__` key unnoticed,
 * storing something other than what was sent, so a reserved key at any depth (or nesting deeper than
 * `maxDepth`) is refused first, naming its path. A preprocess, so OpenAPI still documents `record`.
 */
export function withoutReservedKeys<T extends z.ZodType>(record: T, maxDepth = Number.POSITIVE_INFINITY) {
  return z.preprocess((value, ctx) => {
    // An array is no record: `record` refuses it as such.
    const problem = Array.isArray(value) ? undefined : shapeProblem(value, maxDepth);
    if (problem) ctx.addIssue({ code: "custom", ...problem });
    return value;
  }, record);
}
