import { hash } from "node:crypto";
import type { ServiceContext } from "../services/context";
import { type AuthenticatedToken, authenticateToken } from "../services/tokens/authenticate-token";

export interface TokenCacheOptions {
  /**
   * How long an answer (a token, or "no such token") is reused. This bounds how late a revocation or an
   * expiry takes effect on this instance. Default 5 s.
   */
  ttlMs?: number;
  /** Most credentials remembered; the least recently used go first. Default 10,000. */
  maxEntries?: number;
  /** Milliseconds clock for the cache's own expiry. Default Date.now. */
  clock?: () => number;
}

export interface TokenCache {
  /**
   * The token behind an Authorization header value, or null. `key` is credentialKey(authorization). A
   * cached answer comes back as is, not as a promise: the hot path then runs without waiting a turn.
   */
  lookup(key: string, authorization: string): AuthenticatedToken | null | Promise<AuthenticatedToken | null>;
  size(): number;
  clear(): void;
}

interface Entry {
  answer: Promise<AuthenticatedToken | null>;
  /** The answer once the read has completed; undefined while it is in flight. */
  settled?: AuthenticatedToken | null;
  expiresAt: number;
}

/** sha256 of the presented credential: the cache and the rate limiter never keep the secret itself. */
export function credentialKey(authorization: string): string {
  return hash("sha256", authorization, "base64url");
}

/**
 * Token lookups for the evaluation hot path. The database is read at most once per credential per
 * `ttlMs` (concurrent requests share the read), so a revoked or expired token keeps working on this
 * instance for at most `ttlMs` after the change — instead of the next request, as on /api/v1. Unknown
 * credentials are remembered too, so a client retrying a bad token costs no database read either. A
 * failed read is not remembered.
 */
export function createTokenCache(services: ServiceContext, options: TokenCacheOptions = {}): TokenCache {
  const ttlMs = options.ttlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, Entry>();

  function remember(key: string, entry: Entry): void {
    entries.set(key, entry);
    if (entries.size <= maxEntries) return;
    // Map order is insertion order, and a hit re-inserts: the first keys are the least recently used.
    for (const oldest of entries.keys()) {
      entries.delete(oldest);
      if (entries.size <= maxEntries) break;
    }
  }

  return {
    lookup(key, authorization) {
      const now = clock();
      const cached = entries.get(key);
      if (cached && cached.expiresAt > now) {
        entries.delete(key);
        entries.set(key, cached);
        return cached.settled !== undefined ? cached.settled : cached.answer;
      }
      const answer = authenticateToken(services, authorization);
      const entry: Entry = { answer, expiresAt: now + ttlMs };
      remember(key, entry);
      answer.then(
        (token) => {
          entry.settled = token;
        },
        () => {
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      return answer;
    },
    size: () => entries.size,
    clear: () => entries.clear(),
  };
}
