import { type RetryPolicy, retryDelayMs } from "../../domain/notifications";
import { sendWebhook, type WebhookResult } from "../../notifications/send-webhook";
import { SIGNATURE_HEADER, signBody } from "../../notifications/sign-body";
import type { ServiceContext } from "../context";

export interface DeliveryOptions {
  timeoutMs: number;
  retry: RetryPolicy;
  /** Deliveries sent at once per pass; each waits at most `timeoutMs`. */
  batchSize?: number;
}

/**
 * Claims per pass. A failed delivery waits out its back-off and holds its channel, so only a pass's
 * first round can wait on a hanging receiver; the rest go to channels that answer.
 */
const ROUNDS_PER_PASS = 50;

interface ClaimedDelivery {
  id: bigint;
  attempts: number;
  kind: string;
  body: unknown;
  url: string;
  channelKind: string;
  secret: string | null;
}

/**
 * Sends every due delivery once, a round at a time: each round claims one per channel, POSTs them in
 * parallel and logs each attempt. A failed one is due again after its back-off, until the policy's
 * attempts run out. Returns how many were tried.
 */
export async function deliverDueNotifications(
  ctx: ServiceContext,
  options: DeliveryOptions,
): Promise<number> {
  let tried = 0;
  // A claim takes one delivery per channel; the channel's next is claimable once that one is settled.
  for (let round = 0; round < ROUNDS_PER_PASS; round++) {
    const claimed = await claimDue(ctx, options);
    if (claimed.length === 0) break;
    await Promise.all(claimed.map((delivery) => deliver(ctx, delivery, options)));
    tried += claimed.length;
  }
  return tried;
}

/**
 * Claiming takes the due rows with FOR UPDATE SKIP LOCKED and, in the same statement, counts the attempt
 * and moves the row's due time past the send's timeout: a lease. Another dispatcher skips the locked rows
 * and then finds them not due, so no delivery is sent twice at once; if this process dies mid-send, the
 * lease runs out and another dispatcher retries it (at least once, never lost). Only a channel's oldest
 * pending delivery can be claimed, so a channel gets its messages one at a time and in order: one that
 * waits out a back-off holds the later ones until it is delivered or given up.
 */
async function claimDue(ctx: ServiceContext, options: DeliveryOptions): Promise<ClaimedDelivery[]> {
  const now = ctx.now();
  const leaseEnd = new Date(now.getTime() + options.timeoutMs * 2 + 1000);
  return ctx.db.$queryRaw<ClaimedDelivery[]>`
    UPDATE "NotificationDelivery" AS d
    SET attempts = d.attempts + 1, "nextAttemptAt" = ${leaseEnd}
    FROM "NotificationChannel" AS c
    WHERE c.id = d."channelId"
      AND d.id IN (
        SELECT due.id FROM "NotificationDelivery" AS due
        JOIN "NotificationChannel" AS ch ON ch.id = due."channelId"
        WHERE due.status = 'pending' AND due."nextAttemptAt" <= ${now} AND ch.enabled
          AND NOT EXISTS (
            SELECT 1 FROM "NotificationDelivery" AS earlier
            WHERE earlier."channelId" = due."channelId" AND earlier.status = 'pending' AND earlier.id < due.id)
        ORDER BY due."nextAttemptAt", due.id
        LIMIT ${options.batchSize ?? 20}
        FOR UPDATE OF due SKIP LOCKED
      )
    RETURNING d.id, d.attempts, d.kind, d.body, c.url, c.kind AS "channelKind", c.secret`;
}

async function deliver(ctx: ServiceContext, delivery: ClaimedDelivery, options: DeliveryOptions) {
  const sentAt = ctx.now();
  const body = JSON.stringify(delivery.body);
  const headers: Record<string, string> = {
    "X-Sluice-Delivery": delivery.id.toString(),
    "X-Sluice-Event": delivery.kind,
  };
  if (delivery.channelKind === "generic" && delivery.secret) {
    headers[SIGNATURE_HEADER] = signBody(delivery.secret, body, sentAt);
  }
  const result = await sendWebhook({ url: delivery.url, body, headers, timeoutMs: options.timeoutMs });
  await recordAttempt(ctx, delivery, sentAt, result, options.retry);
}

/**
 * Logs the attempt and settles the delivery: delivered, due again after its back-off, or given up. The
 * update is conditional on the attempt count this dispatcher claimed, so a dispatcher whose lease ran
 * out (and whose delivery someone else has claimed since) cannot overwrite the newer outcome.
 */
async function recordAttempt(
  ctx: ServiceContext,
  delivery: ClaimedDelivery,
  sentAt: Date,
  result: WebhookResult,
  retry: RetryPolicy,
) {
  const now = ctx.now();
  const delay = result.ok ? null : retryDelayMs(delivery.attempts, retry);
  await ctx.db.$transaction([
    ctx.db.notificationAttempt.create({
      data: {
        deliveryId: delivery.id,
        attempt: delivery.attempts,
        at: sentAt,
        ok: result.ok,
        httpStatus: result.httpStatus,
        error: result.error,
        durationMs: result.durationMs,
      },
    }),
    ctx.db.notificationDelivery.updateMany({
      where: { id: delivery.id, attempts: delivery.attempts, status: "pending" },
      data: result.ok
        ? { status: "delivered", deliveredAt: now }
        : delay === null
          ? { status: "failed" }
          : { nextAttemptAt: new Date(now.getTime() + delay) },
    }),
  ]);
}
