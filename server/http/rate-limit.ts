import type { IncomingMessage } from "node:http";
import type { BucketLimit } from "./security-config";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets keyed by client or token, in this process's memory (see SecurityConfig). Idle full
 * buckets are dropped, so the map holds only keys that were recently busy.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly limit: BucketLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    this.perMs = limit.perMinute / 60_000;
  }

  take(key: string): RateDecision {
    const bucket = this.refill(this.buckets.get(key), this.now());
    const decision = this.decide(bucket);
    if (decision.allowed) bucket.tokens -= 1;
    this.remember(key, bucket);
    return decision;
  }

  /** What `take` would answer, taking nothing. */
  peek(key: string): RateDecision {
    const bucket = this.buckets.get(key);
    return bucket ? this.decide(this.refill(bucket, this.now())) : { allowed: true };
  }

  private decide(bucket: Bucket): RateDecision {
    if (bucket.tokens >= 1) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)),
    };
  }

  private refill(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.limit.burst, updatedAt: now };
    const tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    return { tokens, updatedAt: now };
  }

  private remember(key: string, bucket: Bucket): void {
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size <= this.maxKeys) return;
    // Evict the least recently used keys; an evicted key merely starts again with a full bucket.
    for (const [oldest] of this.buckets) {
      this.buckets.delete(oldest);
      if (this.buckets.size <= this.maxKeys * 0.9) break;
    }
  }
}

/**
 * The client's address: the socket's peer, or behind `trustedProxyHops` proxies the address the
 * outermost trusted proxy saw (X-Forwarded-For is client-controlled except for what proxies append).
 */
export function clientAddress(req: IncomingMessage, trustedProxyHops = 0): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trustedProxyHops === 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  return hops[hops.length - trustedProxyHops] ?? hops[0] ?? peer;
}

/**
 * Requests whose token turned out unknown, counted per client address. Rate limits are keyed by the
 * presented token, so without this every made-up token would get a full bucket and a database lookup;
 * past this budget an address's tokens are refused (429) before any lookup.
 */
export class UnknownTokenGuard {
  private readonly strikes: RateLimiter;

  constructor(
    limit: BucketLimit,
    private readonly trustedProxyHops = 0,
    now?: () => number,
  ) {
    this.strikes = new RateLimiter(limit, now);
  }

  /** Refused when the address has spent its budget of unknown tokens. */
  check(req: IncomingMessage): RateDecision {
    return this.strikes.peek(clientAddress(req, this.trustedProxyHops));
  }

  /** The token this request presented was unknown. */
  strike(req: IncomingMessage): void {
    this.strikes.take(clientAddress(req, this.trustedProxyHops));
  }
}
