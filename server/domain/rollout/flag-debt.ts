import type { RolloutSnapshot } from "./rollout-types";

const DAY_MS = 86_400_000;

export interface FlagExposure {
  key: string;
  /** Release flags are temporary; ops/permission flags are meant to stay. */
  temporary: boolean;
  exposurePercent: number;
  /** When it last reached 100% (and stayed), or null. */
  fullExposureSince: number | null;
}

export interface FlagDebt {
  key: string;
  fullExposureSince: number;
  /** Whole days at 100%. */
  ageDays: number;
}

/** When a rollout reached a stable 100%: completed at 100% since the last step went live. */
export function fullExposureSince(rollout: RolloutSnapshot): number | null {
  return rollout.state === "completed" && rollout.exposurePercent === 100 ? rollout.stepStartedAt : null;
}

/** Temporary flags at 100% for longer than `olderThanDays` (default 7): code to delete. Oldest first. */
export function findFlagDebt(
  flags: readonly FlagExposure[],
  now: number,
  options: { olderThanDays?: number } = {},
): FlagDebt[] {
  const limitMs = (options.olderThanDays ?? 7) * DAY_MS;
  const debt: FlagDebt[] = [];
  for (const f of flags) {
    if (!f.temporary || f.exposurePercent < 100 || f.fullExposureSince === null) continue;
    const ageMs = now - f.fullExposureSince;
    if (ageMs > limitMs) {
      debt.push({ key: f.key, fullExposureSince: f.fullExposureSince, ageDays: Math.floor(ageMs / DAY_MS) });
    }
  }
  return debt.sort((a, b) => a.fullExposureSince - b.fullExposureSince || a.key.localeCompare(b.key));
}
