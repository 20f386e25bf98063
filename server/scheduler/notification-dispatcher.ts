import type { RetryPolicy } from "../domain/notifications";
import type { ServiceContext } from "../services/context";
import { deliverDueNotifications } from "../services/notifications/deliver-notifications";
import { enqueueNotifications } from "../services/notifications/enqueue-notifications";
import { type SerialLoop, startSerialLoop } from "./serial-loop";

export interface NotificationSettings {
  /** Sluice's public origin, for the links in messages. */
  baseUrl: string;
  /** Per HTTP attempt: a receiver that hangs is abandoned after this. */
  timeoutMs: number;
  retry: RetryPolicy;
}

/** One pass: queue what the audit history added, then send what is due. */
export async function dispatchNotifications(ctx: ServiceContext, settings: NotificationSettings) {
  await enqueueNotifications(ctx, { baseUrl: settings.baseUrl });
  await deliverDueNotifications(ctx, { timeoutMs: settings.timeoutMs, retry: settings.retry });
}

/**
 * Leader-only loop that turns audit events into webhook deliveries and sends them. It runs beside the
 * engine, never inside a command: a rollback commits whatever the receivers do, and a slow receiver only
 * delays this loop, by at most one timeout per beat.
 */
export function startNotificationDispatcher(
  ctx: ServiceContext,
  settings: NotificationSettings & { intervalMs: number; onError: (error: unknown) => void },
): SerialLoop {
  return startSerialLoop(() => dispatchNotifications(ctx, settings), settings);
}
