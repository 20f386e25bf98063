import { AppError } from "../errors";
import type { RolloutCommandType } from "./rollout-commands";
import type { RolloutSnapshot } from "./rollout-types";

/**
 * Compare-and-set support. The domain cannot see races; the service writes with
 * `UPDATE ... WHERE id = :id AND version = :expectedVersion` and treats 0 rows as CONFLICT.
 */
export interface VersionedWrite {
  id: string;
  expectedVersion: number;
  next: RolloutSnapshot;
}

/**
 * Pause and kill take exposure down whatever changed since the caller looked (an engine beat moved the
 * step a moment before the click), so an expected version never refuses them; other commands act on
 * what the caller saw.
 */
export function checksVersion(command: RolloutCommandType): boolean {
  return command !== "pause" && command !== "kill";
}

/** Refuses a command issued against a version the caller no longer holds (e.g. a stale UI). */
export function assertVersion(current: RolloutSnapshot, expectedVersion: number): void {
  if (current.version !== expectedVersion) {
    throw new AppError(
      "CONFLICT",
      `rollout ${current.id} changed (version ${current.version}, you had ${expectedVersion}); reload and retry`,
      "version",
    );
  }
}

/** The write to attempt: `next` carries the incremented version, conditional on the old one. */
export function versionedWrite(before: RolloutSnapshot, next: RolloutSnapshot): VersionedWrite {
  return { id: before.id, expectedVersion: before.version, next: { ...next, version: before.version + 1 } };
}

export function conflictError(id: string, expectedVersion: number): AppError {
  return new AppError(
    "CONFLICT",
    `rollout ${id} was changed by someone else (expected version ${expectedVersion}); reload and retry`,
    "version",
  );
}
