import type { Db } from "../db/client";
import type { EventBus } from "../services/events/event-bus";

/**
 * How long this process trusts what it last read of a user's `sessionsValidFrom`. A sign-out or role
 * change made on this instance takes effect here at once (the "sessions.revoked" event updates the
 * cache); one made on another instance reaches this one through the shared database within this bound.
 * A few seconds is the same window an in-flight request already has, and keeps revocation checks to at
 * most one small read per signed-in user per interval rather than one per request.
 */
export const REVOCATION_CACHE_TTL_MS = 5_000;

/** A signed-in user's session, as far as revocation cares. */
export interface RevocableSession {
  userId: string;
  /** When the user signed in (epoch ms); kept across next-auth's token refreshes. */
  signedInAt: number;
}

/** Pure: a session is revoked when it began before the user's sessions were last ended. */
export function isSessionRevoked(signedInAt: number, validFrom: number | null): boolean {
  return validFrom !== null && signedInAt < validFrom;
}

/**
 * When the session behind a decoded next-auth token began: our `signedInAt` claim, set at sign-in.
 * next-auth renews `iat` each time it refreshes the cookie, so `iat` is only the fallback for tokens
 * issued before the claim existed (the jwt callback then pins it as `signedInAt`).
 */
export function sessionSignedInAt(jwt: { signedInAt?: unknown; iat?: unknown }): number | null {
  if (typeof jwt.signedInAt === "number") return jwt.signedInAt;
  return typeof jwt.iat === "number" ? jwt.iat * 1000 : null;
}

export interface SessionRevocations {
  /** Whether the session has not been ended by a sign-out or a role change since it began. */
  isCurrent(session: RevocableSession): Promise<boolean>;
  /** How often a holder of long-lived sessions (sockets) should re-check them. */
  readonly ttlMs: number;
  close(): void;
}

/**
 * The per-process view of every user's `sessionsValidFrom`, cached for `ttlMs`. The database is shared
 * by all instances, so each sees another's revocation once its cached entry is older than `ttlMs`.
 */
export function createSessionRevocations(options: {
  db: Db;
  events: EventBus;
  now?: () => number;
  ttlMs?: number;
}): SessionRevocations {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? REVOCATION_CACHE_TTL_MS;
  // Keyed by user id, from signed tokens only, so it holds at most one entry per real user.
  const cache = new Map<string, { validFrom: Promise<number | null>; readAt: number }>();

  async function validFrom(userId: string): Promise<number | null> {
    const cached = cache.get(userId);
    if (cached && now() - cached.readAt < ttlMs) return cached.validFrom;
    const read = options.db.user
      .findUnique({ where: { id: userId }, select: { sessionsValidFrom: true } })
      .then((user) => user?.sessionsValidFrom?.getTime() ?? null);
    // A failed read is not remembered: the next check asks the database again.
    read.catch(() => cache.delete(userId));
    cache.set(userId, { validFrom: read, readAt: now() });
    return read;
  }

  const unsubscribe = options.events.subscribe("sessions.revoked", (event) => {
    cache.set(event.userId, { validFrom: Promise.resolve(event.validFrom), readAt: now() });
  });

  return {
    ttlMs,
    async isCurrent(session) {
      return !isSessionRevoked(session.signedInAt, await validFrom(session.userId));
    },
    close: unsubscribe,
  };
}
