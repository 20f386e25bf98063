import type { Prisma } from "../../db/client";
import { asJson } from "../../db/json";
import type { GateVerdict } from "../../domain/analysis";
import {
  type ChannelKind,
  type GateLine,
  NOTIFIABLE_ACTIONS,
  type NotifiableAuditEvent,
  notificationKindOf,
  stepIndexOf,
  toNotification,
  webhookBody,
} from "../../domain/notifications";
import { auditEventSelect } from "../audit/list-audit-events";
import type { ServiceContext } from "../context";

type Tx = Prisma.TransactionClient;

const CURSOR_ID = "audit";
/** Audit events read per pass; a backlog is worked off over several beats. */
const BATCH = 200;

/**
 * Reads the audit history past the stored cursor and queues one delivery per notifiable event and
 * matching enabled channel, moving the cursor in the same transaction: a crash either queues the batch
 * and moves the cursor, or does neither. The cursor row is locked, so two dispatchers never read the
 * same batch; the (channel, event) unique key would stop a duplicate anyway.
 *
 * Why the tail cannot miss an event: audit ids are drawn under the chain's advisory lock, held until the
 * writer commits (record-audit-event.ts). So once an id is visible, every smaller id is committed or
 * rolled back, and reading up to the largest visible id is complete.
 */
export async function enqueueNotifications(
  ctx: ServiceContext,
  options: { baseUrl: string },
): Promise<number> {
  return ctx.db.$transaction(
    async (tx) => {
      const cursor = await lockCursor(tx);
      const [window] = await tx.$queryRaw<{ upper: bigint | null }[]>`
      SELECT max(id) AS upper FROM (
        SELECT id FROM "AuditEvent" WHERE id > ${cursor} ORDER BY id LIMIT ${BATCH}
      ) AS batch`;
      const upper = window?.upper ?? null;
      if (upper === null) return 0;
      const events = await tx.auditEvent.findMany({
        where: { id: { gt: cursor, lte: upper }, action: { in: [...NOTIFIABLE_ACTIONS] } },
        orderBy: { id: "asc" },
        select: auditEventSelect,
      });
      const queued = events.length > 0 ? await queueDeliveries(ctx, tx, events, options.baseUrl) : 0;
      await tx.notificationCursor.update({ where: { id: CURSOR_ID }, data: { auditEventId: upper } });
      return queued;
    },
    // A backlog batch looks up each event's rollout and gates: taking longer than Prisma's default 5 s
    // must not fail it on every beat and stall the tail.
    { timeout: 60_000 },
  );
}

/** The cursor, created on first use at the end of the history: notifications start now, not with the past. */
async function lockCursor(tx: Tx): Promise<bigint> {
  await tx.$executeRaw`
    INSERT INTO "NotificationCursor" (id, "auditEventId")
    SELECT ${CURSOR_ID}, coalesce(max(id), 0) FROM "AuditEvent"
    ON CONFLICT (id) DO NOTHING`;
  const [row] = await tx.$queryRaw<{ auditEventId: bigint }[]>`
    SELECT "auditEventId" FROM "NotificationCursor" WHERE id = ${CURSOR_ID} FOR UPDATE`;
  if (!row) throw new Error("the notification cursor is missing");
  return row.auditEventId;
}

async function queueDeliveries(
  ctx: ServiceContext,
  tx: Tx,
  events: NotifiableAuditEvent[],
  baseUrl: string,
): Promise<number> {
  const channels = await tx.notificationChannel.findMany({
    where: { enabled: true },
    select: { id: true, kind: true, events: true },
  });
  const now = ctx.now();
  const rows: Prisma.NotificationDeliveryCreateManyInput[] = [];
  for (const event of events) {
    const kind = notificationKindOf(event);
    const listeners = channels.filter((c) => kind && c.events.includes(kind));
    if (listeners.length === 0) continue;
    const notification = toNotification(event, { baseUrl, ...(await subjectOf(tx, event)) });
    if (!notification) continue;
    for (const channel of listeners) {
      rows.push({
        channelId: channel.id,
        auditEventId: event.id,
        kind: notification.kind,
        summary: notification.title,
        body: asJson(webhookBody(channel.kind as ChannelKind, notification)),
        nextAttemptAt: now,
        createdAt: now,
      });
    }
  }
  const { count } = await tx.notificationDelivery.createMany({ data: rows, skipDuplicates: true });
  return count;
}

/** The rollout's service and version, and the latest gate judgements of the step the event is about. */
async function subjectOf(tx: Tx, event: NotifiableAuditEvent) {
  if (event.targetType !== "rollout") return {};
  const rollout = await tx.rollout.findUnique({
    where: { id: event.targetId },
    select: { service: { select: { name: true } }, release: { select: { version: true } } },
  });
  const stepIndex = stepIndexOf(event);
  const evaluation =
    stepIndex === null
      ? null
      : await tx.stepEvaluation.findFirst({
          where: { rolloutId: event.targetId, stepIndex, at: { lte: event.at } },
          orderBy: { id: "desc" },
          select: { gates: true },
        });
  const gates: GateLine[] = ((evaluation?.gates ?? []) as unknown as GateVerdict[]).map((g) => ({
    gate: g.gate,
    verdict: g.verdict,
    detail: g.detail,
  }));
  return {
    ...(rollout ? { rollout: { service: rollout.service.name, version: rollout.release.version } } : {}),
    gates,
  };
}
