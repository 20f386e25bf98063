import { canonicalJson } from "./canonical-json";
import type { ChainedEvent } from "./verify-chain";

export const AUDIT_CSV_COLUMNS = [
  "id",
  "at",
  "actor",
  "action",
  "targetType",
  "targetId",
  "reason",
  "before",
  "after",
  "prevHash",
  "hash",
] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled. A cell
 * a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) gets a leading
 * apostrophe (OWASP's CSV-injection guard); the JSON export keeps values untouched.
 */
export function csvCell(value: string | null): string {
  if (value === null) return "";
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

export function csvRow(cells: readonly (string | null)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export function auditEventCsvRow(event: ChainedEvent): string {
  return csvRow([
    event.id,
    event.at.toISOString(),
    event.actor,
    event.action,
    event.targetType,
    event.targetId,
    event.reason,
    event.before == null ? null : canonicalJson(event.before),
    event.after == null ? null : canonicalJson(event.after),
    event.prevHash,
    event.hash,
  ]);
}
