import type { ServiceContext } from "../context";
import { type ChannelView, channelRowSelect, toChannelView } from "./channel-view";

/** Every notification channel, by name, without secrets. */
export async function listChannels(ctx: ServiceContext): Promise<ChannelView[]> {
  const rows = await ctx.db.notificationChannel.findMany({
    select: channelRowSelect,
    orderBy: { name: "asc" },
  });
  return rows.map(toChannelView);
}
