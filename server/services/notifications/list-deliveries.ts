import type { ServiceContext } from "../context";

export interface DeliveryAttemptView {
  attempt: number;
  at: Date;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryView {
  id: string;
  channel: string;
  kind: string;
  summary: string;
  status: string;
  attempts: number;
  createdAt: Date;
  deliveredAt: Date | null;
  /** When a pending delivery is tried next. */
  nextAttemptAt: Date | null;
  attemptLog: DeliveryAttemptView[];
}

/** The most recent deliveries, newest first, each with every attempt made (status, HTTP code, error, time). */
export async function listDeliveries(ctx: ServiceContext, limit = 50): Promise<DeliveryView[]> {
  const rows = await ctx.db.notificationDelivery.findMany({
    orderBy: { id: "desc" },
    take: limit,
    select: {
      id: true,
      kind: true,
      summary: true,
      status: true,
      attempts: true,
      createdAt: true,
      deliveredAt: true,
      nextAttemptAt: true,
      channel: { select: { name: true } },
      attemptLog: {
        orderBy: { attempt: "asc" },
        select: { attempt: true, at: true, ok: true, httpStatus: true, error: true, durationMs: true },
      },
    },
  });
  return rows.map((row) => ({
    ...row,
    id: row.id.toString(),
    channel: row.channel.name,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt : null,
  }));
}
