import type { Actor } from "../../auth/permissions";
import { AppError } from "../../domain/errors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { assertChannelNameFree, assertSecretFits } from "./channel-name";
import type { UpdateChannelInput } from "./channel-schemas";
import { type ChannelView, channelAuditSummary, channelRowSelect, toChannelView } from "./channel-view";

/**
 * Changes a channel (rename, new URL, events, enable or disable, set or remove the secret). Deliveries
 * already queued go to the channel's URL as it is when they are sent; a disabled channel's wait.
 */
export async function updateChannel(
  ctx: ServiceContext,
  actor: Actor,
  input: UpdateChannelInput,
): Promise<ChannelView> {
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.notificationChannel.findUnique({
      where: { id: input.id },
      select: channelRowSelect,
    });
    if (!row) throw new AppError("NOT_FOUND", `No notification channel with id ${input.id}`, "id");
    assertSecretFits(row.kind, input.secret);
    if (input.name !== undefined) await assertChannelNameFree(tx, input.name, row.id);
    const updated = await tx.notificationChannel.update({
      where: { id: row.id },
      data: {
        name: input.name,
        url: input.url,
        events: input.events ? [...new Set(input.events)] : undefined,
        enabled: input.enabled,
        secret: input.secret,
        updatedAt: now,
      },
      select: channelRowSelect,
    });
    const before = toChannelView(row);
    const after = toChannelView(updated);
    await recordAuditEvent(tx, {
      actor,
      action: "notification-channel.updated",
      targetType: "notification-channel",
      targetId: row.id,
      // The URL's path and the secret never reach the history; that they changed does.
      before: channelAuditSummary(before),
      after: {
        ...channelAuditSummary(after),
        urlChanged: input.url !== undefined && input.url !== row.url,
        secretChanged: input.secret !== undefined && input.secret !== row.secret,
      },
      at: now,
    });
    return after;
  });
}
