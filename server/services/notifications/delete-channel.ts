import type { Actor } from "../../auth/permissions";
import { AppError } from "../../domain/errors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { channelAuditSummary, channelRowSelect, toChannelView } from "./channel-view";

/** Removes a channel with its queued deliveries and their log (the audit history keeps that it existed). */
export async function deleteChannel(ctx: ServiceContext, actor: Actor, id: string): Promise<{ id: string }> {
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.notificationChannel.findUnique({ where: { id }, select: channelRowSelect });
    if (!row) throw new AppError("NOT_FOUND", `No notification channel with id ${id}`, "id");
    await tx.notificationChannel.delete({ where: { id } });
    await recordAuditEvent(tx, {
      actor,
      action: "notification-channel.deleted",
      targetType: "notification-channel",
      targetId: id,
      before: channelAuditSummary(toChannelView(row)),
      at: now,
    });
    return { id };
  });
}
