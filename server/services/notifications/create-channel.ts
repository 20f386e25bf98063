import type { Actor } from "../../auth/permissions";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { assertChannelNameFree, assertSecretFits } from "./channel-name";
import type { CreateChannelInput } from "./channel-schemas";
import { type ChannelView, channelAuditSummary, channelRowSelect, toChannelView } from "./channel-view";

/** Adds a notification channel; it receives events recorded from now on. */
export async function createChannel(
  ctx: ServiceContext,
  actor: Actor,
  input: CreateChannelInput,
): Promise<ChannelView> {
  assertSecretFits(input.kind, input.secret);
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    await assertChannelNameFree(tx, input.name);
    const row = await tx.notificationChannel.create({
      data: {
        name: input.name,
        kind: input.kind,
        url: input.url,
        events: [...new Set(input.events)],
        enabled: input.enabled ?? true,
        secret: input.secret ?? null,
        createdAt: now,
        updatedAt: now,
      },
      select: channelRowSelect,
    });
    const view = toChannelView(row);
    await recordAuditEvent(tx, {
      actor,
      action: "notification-channel.created",
      targetType: "notification-channel",
      targetId: row.id,
      after: channelAuditSummary(view),
      at: now,
    });
    return view;
  });
}
