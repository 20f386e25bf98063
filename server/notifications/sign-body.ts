import { createHmac } from "node:crypto";

export const SIGNATURE_HEADER = "X-Sluice-Signature";

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: a receiver recomputes it with the shared
 * secret, and the timestamp inside the signed text lets it refuse replays of old deliveries.
 */
export function signBody(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${v1}`;
}
