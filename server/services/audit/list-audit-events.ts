import type { ServiceContext } from "../context";

export interface AuditEventView {
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

export async function listAuditEvents(
  ctx: ServiceContext,
  filter: { targetType?: string; targetId?: string; limit: number },
): Promise<AuditEventView[]> {
  const rows = await ctx.db.auditEvent.findMany({
    where: { targetType: filter.targetType, targetId: filter.targetId },
    orderBy: { id: "desc" },
    take: filter.limit,
  });
  return rows.map((row) => ({ ...row, id: row.id.toString() }));
}
