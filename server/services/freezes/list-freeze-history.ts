import type { ServiceContext } from "../context";

/** Audit actions that start, change or end a freeze. */
const FREEZE_ACTIONS = {
  "incident.declared": { kind: "incident", change: "started" },
  "incident.updated": { kind: "incident", change: "changed" },
  "incident.resolved": { kind: "incident", change: "ended" },
  "slo.budget-exhausted": { kind: "error-budget", change: "started" },
  "slo.budget-restored": { kind: "error-budget", change: "ended" },
} as const;
const BREAK_GLASS_PREFIX = "break glass:";

export interface FreezeHistoryEntry {
  /** The audit event it comes from, so an auditor can find it in the history. */
  eventId: string;
  at: Date;
  kind: "incident" | "error-budget" | "break-glass";
  change: "started" | "changed" | "ended" | "overridden";
  /** Services frozen ("*" for everything); for a break glass, the rollout's service. */
  services: string[];
  actor: string;
  reason: string | null;
}

/**
 * When freezes started and ended, and when a release manager broke glass through one, newest first —
 * read from the audit history, so it is exactly what the auditors see.
 */
export async function listFreezeHistory(ctx: ServiceContext, limit = 100): Promise<FreezeHistoryEntry[]> {
  const rows = await ctx.db.auditEvent.findMany({
    where: {
      OR: [{ action: { in: Object.keys(FREEZE_ACTIONS) } }, { reason: { startsWith: BREAK_GLASS_PREFIX } }],
    },
    orderBy: { id: "desc" },
    take: limit,
    select: { id: true, at: true, actor: true, action: true, targetType: true, targetId: true, reason: true },
  });
  const services = await serviceNames(ctx, rows);
  return rows.map((row) => {
    const freeze = FREEZE_ACTIONS[row.action as keyof typeof FREEZE_ACTIONS];
    return {
      eventId: row.id.toString(),
      at: row.at,
      kind: freeze?.kind ?? "break-glass",
      change: freeze?.change ?? "overridden",
      services: services.get(`${row.targetType}:${row.targetId}`) ?? [],
      actor: row.actor,
      reason: row.reason,
    };
  });
}

/** The services behind each event's target: an incident's list, an SLO's service, a rollout's service. */
async function serviceNames(
  ctx: ServiceContext,
  rows: { targetType: string; targetId: string }[],
): Promise<Map<string, string[]>> {
  const ids = (type: string) => [
    ...new Set(rows.filter((r) => r.targetType === type).map((r) => r.targetId)),
  ];
  const [incidents, servicesById, rollouts] = await Promise.all([
    ctx.db.incident.findMany({
      where: { id: { in: ids("incident") } },
      select: { id: true, services: true },
    }),
    ctx.db.service.findMany({ where: { id: { in: ids("service") } }, select: { id: true, name: true } }),
    ctx.db.rollout.findMany({
      where: { id: { in: ids("rollout") } },
      select: { id: true, service: { select: { name: true } } },
    }),
  ]);
  return new Map<string, string[]>([
    ...incidents.map((i): [string, string[]] => [`incident:${i.id}`, i.services]),
    ...servicesById.map((s): [string, string[]] => [`service:${s.id}`, [s.name]]),
    ...rollouts.map((r): [string, string[]] => [`rollout:${r.id}`, [r.service.name]]),
  ]);
}
