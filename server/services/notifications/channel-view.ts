import type { Prisma } from "../../db/client";
import type { ChannelKind, NotificationKind } from "../../domain/notifications";

export const channelRowSelect = {
  id: true,
  name: true,
  kind: true,
  url: true,
  events: true,
  enabled: true,
  secret: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.NotificationChannelSelect;

type ChannelRow = Prisma.NotificationChannelGetPayload<{ select: typeof channelRowSelect }>;

/** A channel as people see it: never its secret, and only the URL's origin (Slack URLs embed a token). */
export interface ChannelView {
  id: string;
  name: string;
  kind: ChannelKind;
  urlPreview: string;
  events: NotificationKind[];
  enabled: boolean;
  signed: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function toChannelView(row: ChannelRow): ChannelView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as ChannelKind,
    urlPreview: urlPreview(row.url),
    events: row.events as NotificationKind[],
    enabled: row.enabled,
    signed: row.secret !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** What the audit history keeps of a channel: the view without timestamps (no secret, no URL path). */
export function channelAuditSummary(view: ChannelView) {
  const { id: _id, createdAt: _c, updatedAt: _u, ...summary } = view;
  return summary;
}

export function urlPreview(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname === "/" && !parsed.search ? parsed.origin : `${parsed.origin}/…`;
}
