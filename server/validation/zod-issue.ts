import type { z } from "zod";

/** `["steps", 2, "holdSeconds"]` → `steps[2].holdSeconds`, the same form the domain's messages use. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * A zod refusal as one line a person reads, "field: message", from its first issue; every transport
 * (REST, tRPC) and use case that parses input words it this way. An unknown key is itself the field.
 * `whole` names the field when the issue is about the input as a whole; `prefix` says where the parsed
 * value sits in a larger input (e.g. ["metadata"]).
 */
export function describeZodError(
  error: z.ZodError,
  whole: string,
  prefix: readonly PropertyKey[] = [],
): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) {
    const field = fieldPath(prefix) || whole;
    return { field, message: `${field}: invalid input` };
  }
  const path = [...prefix, ...issue.path];
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const field = fieldPath(path) || whole;
  const message = issue.code === "unrecognized_keys" ? "unknown field" : issue.message;
  return { field, message: `${field}: ${message}` };
}
