export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failure the delivery is given up. */
  maxAttempts: number;
  /** Wait before the second attempt; each later wait doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 10_000, maxDelayMs: 600_000 };

/**
 * When to try again after failed attempt number `attempt` (1-based), or null when none is left.
 * Exponential back-off without jitter: one dispatcher sends, so there is no herd to spread out.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy): number | null {
  if (attempt >= policy.maxAttempts) return null;
  return Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}
