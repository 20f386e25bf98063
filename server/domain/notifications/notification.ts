/** What Sluice tells people about, each a channel can subscribe to. */
export const NOTIFICATION_KINDS = [
  "auto-rollback",
  "kill",
  "freeze",
  "approval-needed",
  "step-completed",
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const CHANNEL_KINDS = ["generic", "slack"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** One gate's judgement as a person reads it: its name, verdict and the numbers behind it. */
export interface GateLine {
  gate: string;
  verdict: string;
  detail: string;
}

/** A notification before it is shaped for a receiver: what happened, why, and where to look. */
export interface Notification {
  kind: NotificationKind;
  /** One line: "checkout-api 2.14.0 rolled back automatically". */
  title: string;
  /** What changed, with its numbers (exposure before and after, the step). */
  what: string;
  /** Why: the failing gates' numbers, or the reason a person typed; null when there is none. */
  why: string | null;
  failedGates: readonly string[];
  /** The latest gate judgements of the step concerned, when the event is about one. */
  gates: readonly GateLine[];
  actor: string;
  at: string;
  link: string;
  subject: { type: string; id: string; service: string | null; version: string | null };
  auditEventId: string;
}
