/** What stands in for personal data the reader may not see. */
export const HIDDEN = "(hidden)";

/** Who reads: without the right to personal data, emails and client addresses come back hidden. */
export interface PersonalDataReader {
  personalData: boolean;
}

/** Fields of audit contents that say who someone is or where they connected from. */
const PERSONAL_KEYS = new Set(["email", "address"]);
const EMAIL = /[^\s@()<>,;:"]+@[^\s@()<>,;:"]+/g;

/**
 * Text as a reader without personal data sees it: every email hidden. For a person's name as shown
 * ("operator:alice@corp.example", an OIDC user named by their email), the role prefix stays readable.
 */
export function hideEmails(text: string): string {
  return text.replace(EMAIL, HIDDEN);
}

/** A name or text (or none) for this reader: whole with the right to personal data, emails hidden without. */
export function nameFor(reader: PersonalDataReader, text: string): string;
export function nameFor(reader: PersonalDataReader, text: string | null): string | null;
export function nameFor(reader: PersonalDataReader, text: string | null): string | null {
  return reader.personalData || text === null ? text : hideEmails(text);
}

/**
 * An audit event as a reader without access to personal data sees it: emails and client addresses
 * hidden in its actor, target, reason and before/after, everything else as recorded. The stored, hashed
 * event and its exports keep them (only auditors and admins export).
 */
export function withoutPersonalData<
  E extends { actor: string; targetId: string; reason: string | null; before: unknown; after: unknown },
>(event: E): E {
  return {
    ...event,
    actor: hideEmails(event.actor),
    targetId: event.targetId.startsWith("email:") ? `email:${HIDDEN}` : event.targetId,
    reason: event.reason === null ? null : hideEmails(event.reason),
    before: hideIn(event.before),
    after: hideIn(event.after),
  };
}

function hideIn(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hideIn);
  if (value === null || typeof value !== "object") {
    return typeof value === "string" ? hideEmails(value) : value;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, PERSONAL_KEYS.has(key) ? HIDDEN : hideIn(field)]),
  );
}
