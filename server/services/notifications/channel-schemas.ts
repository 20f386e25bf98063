import { z } from "zod";
import { CHANNEL_KINDS, NOTIFICATION_KINDS } from "../../domain/notifications";
import { exact, NOT_EXACT, NOT_STORABLE, storable, text } from "../../validation/text";

/** A receiver's address: http(s) only, no user:password (it would show up wherever the URL does). */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine(storable, NOT_STORABLE)
  .refine(isWebhookUrl, "must be an http:// or https:// URL without user:password");

const events = z
  .array(z.enum(NOTIFICATION_KINDS))
  .min(1, "choose at least one event")
  .max(NOTIFICATION_KINDS.length);

/** The HMAC key of a generic webhook: long enough to resist guessing. */
const secret = z
  .string()
  // Refused, not trimmed: the receiver must verify with exactly the key that was typed.
  .refine(exact, NOT_EXACT)
  .min(16, "must be at least 16 characters")
  .max(200)
  .refine(storable, NOT_STORABLE);

export const createChannelSchema = z.strictObject({
  name: text(100),
  kind: z.enum(CHANNEL_KINDS),
  url: webhookUrlSchema,
  events,
  enabled: z.boolean().optional(),
  secret: secret.optional(),
});
export type CreateChannelInput = z.infer<typeof createChannelSchema>;

/** Fields left out stay as they are; `secret: null` removes the signature. */
export const updateChannelSchema = z.strictObject({
  id: text(64),
  name: text(100).optional(),
  url: webhookUrlSchema.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
  secret: secret.nullable().optional(),
});
export type UpdateChannelInput = z.infer<typeof updateChannelSchema>;

export const channelIdSchema = z.strictObject({ id: text(64) });

function isWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && !url.username && !url.password;
  } catch {
    return false;
  }
}
