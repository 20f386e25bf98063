import { type AuditEventContent, withoutPersonalData } from "../../domain/audit";
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
): Promise<AuditEventView[]> {
  return (await pageAuditEvents(ctx, filter)).events;
}

/** One page of the history, newest first; `cursor` is the id of the last event of the previous page. */
export async function pageAuditEvents(
  ctx: ServiceContext,
  filter: AuditFilter & { limit: number; cursor?: string },
): Promise<AuditPage> {
  const where = await auditWhere(ctx, filter);
  const rows = await ctx.db.auditEvent.findMany({
    where: filter.cursor ? { AND: [where, { id: { lt: BigInt(filter.cursor) } }] } : where,
    orderBy: { id: "desc" },
    take: filter.limit + 1,
    select: auditEventSelect,
  });
  const events = rows.slice(0, filter.limit).map((row) => ({ ...row, id: row.id.toString() }));
  return { events, nextCursor: rows.length > filter.limit ? (events.at(-1)?.id ?? null) : null };
}

/**
 * A page of the history as the audit page shows it: each event with its target's name (see
 * auditTargetLabels), and without emails and client addresses unless the reader may see personal data.
 */
export async function browseAuditEvents(
  ctx: ServiceContext,
  filter: AuditFilter & { limit: number; cursor?: string },
  reader: { personalData: boolean },
) {
  const page = await pageAuditEvents(ctx, filter);
  const labelOf = await auditTargetLabels(ctx, page.events);
  const shown = (event: AuditEventView) => (reader.personalData ? event : withoutPersonalData(event));
  return {
    ...page,
    events: page.events.map((event) => ({ ...shown(event), targetLabel: labelOf(event) })),
  };
}
