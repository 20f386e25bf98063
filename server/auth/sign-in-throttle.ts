import type { Db, Prisma } from "../db/client";

type Tx = Prisma.TransactionClient;

/** After `threshold` failures a key is locked for `baseSeconds`, doubling with each further failure. */
export interface LockoutPolicy {
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
  /** A key idle this long since its last failure starts again from zero. */
  forgetAfterSeconds: number;
}

/** Per account: 5 failures → 1 min, doubling to 1 h. Per client address: more slack (shared NATs). */
export const ACCOUNT_LOCKOUT: LockoutPolicy = {
  threshold: 5,
  baseSeconds: 60,
  maxSeconds: 3600,
  forgetAfterSeconds: 24 * 3600,
};
export const ADDRESS_LOCKOUT: LockoutPolicy = { ...ACCOUNT_LOCKOUT, threshold: 20 };

export interface ThrottleKeys {
  account: string;
  address: string;
}

/**
 * Keys for an attempt. The account key is the normalised email whether or not such a user exists, so
 * a lockout (and its message) says nothing about which accounts exist.
 */
export function throttleKeys(email: string, address: string): ThrottleKeys {
  return { account: `account:${email.trim().toLowerCase()}`, address: `ip:${address}` };
}

/** Seconds to lock after the `failures`-th failure in a row (0: not locked). */
export function lockSeconds(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.baseSeconds * 2 ** doublings, policy.maxSeconds);
}

/** Seconds until the account or the address may try again; 0 when neither is locked. */
export async function signInLockedFor(db: Db | Tx, keys: ThrottleKeys, now: Date): Promise<number> {
  const locked = await db.signInThrottle.findMany({
    where: { key: { in: [keys.account, keys.address] }, lockedUntil: { gt: now } },
    select: { lockedUntil: true },
  });
  const until = Math.max(0, ...locked.map((row) => row.lockedUntil?.getTime() ?? 0));
  return until === 0 ? 0 : Math.ceil((until - now.getTime()) / 1000);
}

/**
 * Counts a failed attempt against both keys (atomically: concurrent failures on any instance each
 * count) and locks a key that passed its threshold. Returns the longest lock now in force, in seconds.
 */
export async function recordSignInFailure(tx: Tx, keys: ThrottleKeys, now: Date): Promise<number> {
  const [account, address] = await Promise.all([
    countFailure(tx, keys.account, now, ACCOUNT_LOCKOUT),
    countFailure(tx, keys.address, now, ADDRESS_LOCKOUT),
  ]);
  return Math.max(account, address);
}

async function countFailure(tx: Tx, key: string, now: Date, policy: LockoutPolicy): Promise<number> {
  const forgetBefore = new Date(now.getTime() - policy.forgetAfterSeconds * 1000);
  await tx.signInThrottle.updateMany({
    where: { key, lastFailureAt: { lt: forgetBefore } },
    data: { failures: 0, lockedUntil: null },
  });
  const row = await tx.signInThrottle.upsert({
    where: { key },
    create: { key, failures: 1, lastFailureAt: now },
    update: { failures: { increment: 1 }, lastFailureAt: now },
    select: { failures: true, lockedUntil: true },
  });
  const seconds = lockSeconds(row.failures, policy);
  if (seconds === 0) return 0;
  const lockedUntil = new Date(now.getTime() + seconds * 1000);
  await tx.signInThrottle.update({ where: { key }, data: { lockedUntil } });
  return seconds;
}

/** A successful sign-in clears its account's failures (never the address's: one good account must not
 * wipe the record of guesses at others). */
export async function clearAccountFailures(tx: Tx | Db, keys: ThrottleKeys): Promise<void> {
  await tx.signInThrottle.deleteMany({ where: { key: keys.account } });
}
