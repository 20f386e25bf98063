/** What stands in for personal data the reader may not see. */
export const HIDDEN = "(hidden)";

/** Fields of audit contents that say who someone is or where they connected from. */
const PERSONAL_KEYS = new Set(["email", "address"]);
const EMAIL = /[^\s@()<>,;:"]+@[^\s@()<>,;:"]+/g;

/**
 * An audit event as a reader without access to personal data sees it: emails and client addresses
 * hidden in its target, reason and before/after, everything else as recorded. The stored, hashed event
 * and its exports keep them (only auditors and admins export).
 */
export function withoutPersonalData<
  E extends { targetId: string; reason: string | null; before: unknown; after: unknown },
>(event: E): E {
  return {
    ...event,
    targetId: event.targetId.startsWith("email:") ? `email:${HIDDEN}` : event.targetId,
    reason: event.reason?.replace(EMAIL, HIDDEN) ?? null,
    before: hideIn(event.before),
    after: hideIn(event.after),
  };
}

function hideIn(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hideIn);
  if (value === null || typeof value !== "object") {
    return typeof value === "string" ? value.replace(EMAIL, HIDDEN) : value;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, PERSONAL_KEYS.has(key) ? HIDDEN : hideIn(field)]),
  );
}
