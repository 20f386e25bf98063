import {
  channelIdSchema,
  createChannelSchema,
  updateChannelSchema,
} from "../../services/notifications/channel-schemas";
import { createChannel } from "../../services/notifications/create-channel";
import { deleteChannel } from "../../services/notifications/delete-channel";
import { listChannels } from "../../services/notifications/list-channels";
import { listDeliveries } from "../../services/notifications/list-deliveries";
import { updateChannel } from "../../services/notifications/update-channel";
import { procedureWith, router } from "../init";

/** Admin management of outbound webhooks, and the log of what was sent to them. */
export const notificationsRouter = router({
  channels: procedureWith("notifications:manage").query(({ ctx }) => listChannels(ctx.services)),
  deliveries: procedureWith("notifications:manage").query(({ ctx }) => listDeliveries(ctx.services)),
  createChannel: procedureWith("notifications:manage")
    .input(createChannelSchema)
    .mutation(({ ctx, input }) => createChannel(ctx.services, ctx.actor, input)),
  updateChannel: procedureWith("notifications:manage")
    .input(updateChannelSchema)
    .mutation(({ ctx, input }) => updateChannel(ctx.services, ctx.actor, input)),
  deleteChannel: procedureWith("notifications:manage")
    .input(channelIdSchema)
    .mutation(({ ctx, input }) => deleteChannel(ctx.services, ctx.actor, input.id)),
});
