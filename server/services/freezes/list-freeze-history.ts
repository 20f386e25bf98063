import { z } from "zod";
import { nameFor, type PersonalDataReader } from "../../domain/audit";
import type { ServiceContext } from "../context";

/** Audit actions that start, change, end or break through a freeze. */
const FREEZE_ACTIONS = {
  "incident.declared": { kind: "incident", change: "started" },
  "incident.updated": { kind: "incident", change: "changed" },
  "incident.resolved": { kind: "incident", change: "ended" },
  "slo.budget-exhausted": { kind: "error-budget", change: "started" },
  "slo.budget-restored": { kind: "error-budget", change: "ended" },
  // One per break glass (decide.ts); the command's other events only carry its reason.
  "rollout.freeze-overridden": { kind: "break-glass", change: "overridden" },
} as const;

/** What a `rollout.freeze-overridden` event records of the freezes it broke through. */
const overriddenSchema = z.object({
  event: z.object({ incidents: z.array(z.string()), exhaustedBudgets: z.array(z.string()) }),
});

export interface FreezeHistoryEntry {
  /** The audit event it comes from, so an auditor can find it in the history. */
  eventId: string;
  at: Date;
  kind: "incident" | "error-budget" | "break-glass";
  change: "started" | "changed" | "ended" | "overridden";
  /** Services frozen ("*" for everything); for a break glass, the rollout's service. */
  services: string[];
  /** For a break glass: the rollout, and the freezes it went through ("incident <id> (<title>)", spent budgets). */
  rolloutId: string | null;
  overrode: string[];
  /** Who, as the audit history names them; an email in it is hidden from readers without personal data. */
  actor: string;
  reason: string | null;
}

/**
 * When freezes started and ended, and when a release manager broke glass through one, newest first —
 * read from the audit history, so it is exactly what the auditors see (but for hidden emails).
 */
export async function listFreezeHistory(
  ctx: ServiceContext,
  reader: PersonalDataReader,
  limit = 100,
): Promise<FreezeHistoryEntry[]> {
  const rows = await ctx.db.auditEvent.findMany({
    where: { action: { in: Object.keys(FREEZE_ACTIONS) } },
    orderBy: { id: "desc" },
    take: limit,
    select: {
      id: true,
      at: true,
      actor: true,
      action: true,
      targetType: true,
      targetId: true,
      reason: true,
      after: true,
    },
  });
  const services = await serviceNames(ctx, rows);
  return rows.map((row) => {
    const freeze = FREEZE_ACTIONS[row.action as keyof typeof FREEZE_ACTIONS];
    const override = overriddenSchema.safeParse(row.after).data?.event;
    return {
      eventId: row.id.toString(),
      at: row.at,
      kind: freeze.kind,
      change: freeze.change,
      services: services.get(`${row.targetType}:${row.targetId}`) ?? [],
      rolloutId: freeze.kind === "break-glass" ? row.targetId : null,
      overrode: [
        ...(override?.incidents ?? []).map((incident) => `incident ${incident}`),
        ...(override?.exhaustedBudgets ?? []).map((budget) => `error budget ${budget}`),
      ],
      actor: nameFor(reader, row.actor),
      reason: nameFor(reader, row.reason),
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
