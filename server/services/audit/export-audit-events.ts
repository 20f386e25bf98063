import {
  AUDIT_CSV_COLUMNS,
  auditEventCsvRow,
  type ChainedEvent,
  type ChainVerification,
  csvRow,
  type RangeVerification,
  verifyRange,
} from "../../domain/audit";
import type { ServiceContext } from "../context";
import { type AuditFilter, auditWhere } from "./audit-filter";
import { auditEventSelect } from "./list-audit-events";
import { sha256Hex } from "./sha256";
import { VERIFY_BATCH_SIZE, verifyAuditChain } from "./verify-audit-chain";

export type AuditExportFormat = "csv" | "json";

/** More than this in one file is refused; narrow the filter (a time range) and export in parts. */
export const MAX_EXPORT_EVENTS = 100_000;

export interface AuditExport {
  filename: string;
  contentType: string;
  content: string;
  events: number;
  /** More events matched than one export holds; the file has the oldest MAX_EXPORT_EVENTS. */
  truncated: boolean;
  chain: ChainVerification;
  range: RangeVerification;
}

export interface AuditExportDocument {
  exportedAt: Date;
  filter: AuditFilter;
  truncated: boolean;
  chain: ChainVerification;
  range: RangeVerification;
  events: ChainedEvent[];
}

/**
 * The events matching the filter, oldest first, with the verification of the whole chain and of the
 * exported range itself, so the file carries its own evidence. Each event keeps its prevHash and
 * hash: anyone can recompute them from the canonical form in docs/decisions/0006.
 */
export async function exportAuditDocument(
  ctx: ServiceContext,
  filter: AuditFilter,
): Promise<AuditExportDocument> {
  const { events, truncated } = await loadRange(ctx, filter);
  const { result: chain, verifiedAt } = await verifyAuditChain(ctx);
  return { exportedAt: verifiedAt, filter, truncated, chain, range: verifyRange(sha256Hex, events), events };
}

/** The export as a downloadable CSV or JSON file. */
export async function exportAuditEvents(
  ctx: ServiceContext,
  filter: AuditFilter,
  format: AuditExportFormat,
): Promise<AuditExport> {
  const document = await exportAuditDocument(ctx, filter);
  const { exportedAt, truncated, chain, range, events } = document;
  const stamp = exportedAt
    .toISOString()
    .replaceAll(":", "-")
    .replace(/\.\d+Z$/, "Z");
  return {
    filename: `sluice-audit-${stamp}.${format}`,
    contentType: format === "json" ? "application/json" : "text/csv; charset=utf-8",
    content: format === "json" ? JSON.stringify(document, null, 2) : csvContent(document),
    events: events.length,
    truncated,
    chain,
    range,
  };
}

async function loadRange(ctx: ServiceContext, filter: AuditFilter) {
  // Only readers of personal data export (audit:export): the export is whole.
  const where = await auditWhere(ctx, filter, { personalData: true });
  const events: ChainedEvent[] = [];
  let after: bigint | undefined;
  for (;;) {
    const take = Math.min(VERIFY_BATCH_SIZE, MAX_EXPORT_EVENTS + 1 - events.length);
    const rows = await ctx.db.auditEvent.findMany({
      where: after === undefined ? where : { AND: [where, { id: { gt: after } }] },
      orderBy: { id: "asc" },
      take,
      select: auditEventSelect,
    });
    events.push(...rows.map((row) => ({ ...row, id: row.id.toString() })));
    const last = rows.at(-1);
    if (!last || rows.length < take || events.length > MAX_EXPORT_EVENTS) break;
    after = last.id;
  }
  const truncated = events.length > MAX_EXPORT_EVENTS;
  return { events: truncated ? events.slice(0, MAX_EXPORT_EVENTS) : events, truncated };
}

/** Verification first, as `#` comment lines (pandas: comment="#"), then a header row and the events. */
function csvContent(summary: AuditExportDocument): string {
  const { chain, range, events } = summary;
  const lines = [
    `# Sluice audit export, ${summary.exportedAt.toISOString()}`,
    chain.ok
      ? `# chain: intact, ${chain.checked} events verified${chain.head ? `, head #${chain.head.id} ${chain.head.hash}` : ""}`
      : `# chain: BROKEN at event #${chain.broken.id} (${chain.broken.kind}): ${chain.broken.message}`,
    `# range: ${range.events} events, content ${range.contentIntact ? "intact" : `EDITED from #${range.firstEditedId}`}, ` +
      `${range.links} direct links, ${range.gaps} gaps${range.linksIntact ? " (verifies on its own)" : ""}`,
    ...(summary.truncated ? ["# truncated: narrow the filter to export the rest"] : []),
  ];
  // A comment line never starts with a formula character, and event text only appears in cells below.
  return [
    ...lines.map((line) => `${line.replace(/[\r\n]+/g, " ")}\r\n`),
    csvRow(AUDIT_CSV_COLUMNS),
    ...events.map(auditEventCsvRow),
  ].join("");
}
