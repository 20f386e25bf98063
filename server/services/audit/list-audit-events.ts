import { type AuditEventContent, type PersonalDataReader, withoutPersonalData } from "../../domain/audit";
import type { ServiceContext } from "../context";
import { type AuditFilter, auditWhere } from "./audit-filter";
import { auditTargetLabels } from "./audit-target-labels";

/** An event as stored: what it says (the hashed content) and its place in the chain. */
export interface AuditEventView extends AuditEventContent {
  prevHash: string | null;
  hash: string | null;
}

export interface AuditPage {
  events: AuditEventView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export const auditEventSelect = {
  id: true,
  at: true,
  actor: true,
  action: true,
  targetType: true,
  targetId: true,
  reason: true,
  before: true,
  after: true,
  prevHash: true,
  hash: true,
} as const;

/** The newest events matching the filter, newest first. */
export async function listAuditEvents(
  ctx: ServiceContext,
  filter: AuditFilter & { limit: number },
  reader: PersonalDataReader,
): Promise<AuditEventView[]> {
  return (await pageAuditEvents(ctx, filter, reader)).events;
}

/**
 * One page of the history, newest first; `cursor` is the id of the last event of the previous page.
 * Events shown with personal data hidden no longer match their hashes; the chain is checked on the
 * server (verifyAuditChain) or in an export, which only readers of personal data may take.
 */
export async function pageAuditEvents(
  ctx: ServiceContext,
  filter: AuditFilter & { limit: number; cursor?: string },
  reader: PersonalDataReader,
): Promise<AuditPage> {
  const where = await auditWhere(ctx, filter, reader);
  const rows = await ctx.db.auditEvent.findMany({
    where: filter.cursor ? { AND: [where, { id: { lt: BigInt(filter.cursor) } }] } : where,
    orderBy: { id: "desc" },
    take: filter.limit + 1,
    select: auditEventSelect,
  });
  const events = rows
    .slice(0, filter.limit)
    .map((row) => ({ ...row, id: row.id.toString() }))
    .map((event) => (reader.personalData ? event : withoutPersonalData(event)));
  return { events, nextCursor: rows.length > filter.limit ? (events.at(-1)?.id ?? null) : null };
}

/** A page of the history as the audit page shows it: each event with its target's name (see auditTargetLabels). */
export async function browseAuditEvents(
  ctx: ServiceContext,
  filter: AuditFilter & { limit: number; cursor?: string },
  reader: PersonalDataReader,
) {
  const page = await pageAuditEvents(ctx, filter, reader);
  const labelOf = await auditTargetLabels(ctx, page.events);
  return { ...page, events: page.events.map((event) => ({ ...event, targetLabel: labelOf(event) })) };
}
