import { canonicalJson, type JsonValue, normaliseJson } from "./canonical-json";

/** sha256 of UTF-8 text, lowercase hex. Injected: the domain does no I/O and imports no platform module. */
export type Sha256Hex = (text: string) => string;

/** The previous hash of the first chained event. */
export const GENESIS_HASH = "0".repeat(64);

/** Bumped if the canonical form ever changes; it is hashed, so old and new events stay verifiable. */
export const AUDIT_HASH_VERSION = 1;

/** Everything an audit event says. `id` is the decimal text of its BigInt id, so the position is hashed too. */
export interface AuditEventContent {
  id: string;
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  before: unknown;
  after: unknown;
}

/** The exact text that is hashed: the content, normalised, plus the previous event's hash. */
export function canonicalEventText(content: AuditEventContent, prevHash: string): string {
  const document: Record<string, JsonValue> = {
    v: AUDIT_HASH_VERSION,
    id: content.id,
    at: content.at.toISOString(),
    actor: content.actor,
    action: content.action,
    targetType: content.targetType,
    targetId: content.targetId,
    reason: content.reason,
    before: normaliseJson(content.before),
    after: normaliseJson(content.after),
    prevHash,
  };
  return canonicalJson(document);
}

export function hashAuditEvent(sha256: Sha256Hex, content: AuditEventContent, prevHash: string): string {
  return sha256(canonicalEventText(content, prevHash));
}
