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
  const first = error.issues[0];
  const issue = first && closestBranch(first);
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

type Issue = z.core.$ZodIssue;

/** A branch that is plainly not the one meant: the wrong type, or keys that belong to another branch. */
const isOtherBranch = (branch: readonly Issue[]) =>
  branch.some((i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "unrecognized_keys"));

/**
 * A union's refusal says only "Invalid input". When one branch is plainly the one meant (say, a split
 * whose weight is missing, not a variant with a stray key), its own first issue says what is wrong.
 */
function closestBranch(issue: Issue): Issue {
  if (issue.code !== "invalid_union") return issue;
  const meant = issue.errors.filter((branch) => !isOtherBranch(branch));
  const inner = meant.length === 1 ? meant[0]?.[0] : undefined;
  return inner ? closestBranch({ ...inner, path: [...issue.path, ...inner.path] }) : issue;
}
