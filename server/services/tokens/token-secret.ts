import { createHash, randomBytes } from "node:crypto";

/** Every secret starts with this, so leaked tokens are easy to recognise (and to grep for). */
export const TOKEN_PREFIX = "slc_";

/** 32 random bytes: guessing is hopeless, so a fast hash (not a password hash) is enough at rest. */
export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
