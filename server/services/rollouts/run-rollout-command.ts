import type { Prisma } from "../../db/client";
import { asJson } from "../../db/json";
import { AppError } from "../../domain/errors";
import {
  assertVersion,
  checksVersion,
  conflictError,
  decide,
  isTerminalState,
  type RolloutCommand,
  type RolloutEvent,
  type RolloutSnapshot,
  versionedWrite,
} from "../../domain/rollout";
import { startCommandTimer } from "../../observability/sluice-metrics";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import { sha256Hex } from "../audit/sha256";
import type { ServiceContext } from "../context";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { rolloutNotFound } from "./get-rollout";
import { auditSummary, snapshotColumns, snapshotSelect, toSnapshot } from "./rollout-snapshot";

export interface CommandOutcome {
  rollout: RolloutSnapshot;
  events: RolloutEvent[];
  changed: boolean;
  /** True when an earlier command with the same idempotency key had already done the work. */
  repeated: boolean;
}

export interface CommandOptions {
  /** The version the caller last saw; a newer one means someone else acted first (CONFLICT). Not for pause and kill. */
  expectedVersion?: number;
  /** Repeats with the same key return the first outcome and change nothing. */
  idempotencyKey?: string;
}

/**
 * Every rollout command goes through here: load the rollout and the freezes, let the state machine
 * decide, write the change with a compare-and-set on the version and its audit events in the same
 * transaction, then announce it. A refused command throws and changes nothing.
 */
export async function runRolloutCommand(
  ctx: ServiceContext,
  actor: CommandActor,
  rolloutId: string,
  command: RolloutCommand,
  options: CommandOptions = {},
): Promise<CommandOutcome> {
  const now = ctx.now();
  const timer = startCommandTimer(command.type);
  const expectedVersion = checksVersion(command.type) ? options.expectedVersion : undefined;
  // What a retry repeats: the same key on another request (a new reason, say) is a client bug.
  const request = sha256Hex(JSON.stringify({ command, expectedVersion }));
  const attempt = () =>
    ctx.db.$transaction(async (tx) => {
      if (options.idempotencyKey) {
        // Scoped to the command and rollout, so one key can drive a service-wide kill of many rollouts.
        const key = `${command.type}:${rolloutId}:${options.idempotencyKey}`;
        const earlier = await claimIdempotencyKey(tx, key, command.type);
        // A kill is never refused, and what it did stays true (nothing leaves rolled back): any repeat of
        // its key is the same kill, e.g. a standing SLO kill whose reason carries the burn rate of the day.
        const mismatch = earlier?.request !== undefined && earlier.request !== request;
        if (mismatch && command.type !== "kill") {
          throw new AppError(
            "CONFLICT",
            `idempotencyKey: ${options.idempotencyKey} was used for a different ${command.type} of rollout ${rolloutId}; use a new key`,
            "idempotencyKey",
          );
        }
        if (earlier) {
          await recordAuditEvent(tx, {
            actor,
            action: `rollout.${command.type}-repeated`,
            targetType: "rollout",
            targetId: rolloutId,
            reason: `idempotency key ${options.idempotencyKey} already used; no second effect`,
            at: now,
          });
          return { ...earlier.outcome, repeated: true, changed: false };
        }
      }
      const row = await tx.rollout.findUnique({ where: { id: rolloutId }, select: snapshotSelect });
      if (!row) throw rolloutNotFound(rolloutId);
      const before = toSnapshot(row);
      if (expectedVersion !== undefined) assertVersion(before, expectedVersion);
      const decision = decide(before, command, {
        now: now.getTime(),
        freeze: await loadFreezeState(tx),
        actor,
      });
      let after = before;
      if (decision.changed) {
        const write = versionedWrite(before, decision.next);
        const { count } = await tx.rollout.updateMany({
          where: { id: write.id, version: write.expectedVersion },
          data: {
            ...snapshotColumns(write.next),
            version: write.next.version,
            ...(isTerminalState(write.next.state) && !isTerminalState(before.state) ? { endedAt: now } : {}),
          },
        });
        if (count === 0) throw conflictError(write.id, write.expectedVersion);
        after = write.next;
      }
      for (const event of decision.events) {
        await recordAuditEvent(tx, {
          actor,
          action: event.type,
          targetType: "rollout",
          targetId: before.id,
          reason: reasonOf(command, event),
          before: auditSummary(before),
          after: { ...auditSummary(after), event: asJson(event) },
          at: now,
        });
      }
      const result: CommandOutcome = {
        rollout: after,
        events: decision.events,
        changed: decision.changed,
        repeated: false,
      };
      if (options.idempotencyKey) {
        const key = `${command.type}:${rolloutId}:${options.idempotencyKey}`;
        await tx.idempotencyKey.update({ where: { key }, data: { result: asJson({ ...result, request }) } });
      }
      return result;
    });
  // Without an expected version the caller wants the command applied to the rollout as it now is: a
  // commit that slipped between this read and this write (an engine beat) is retried on the fresh row,
  // so a kill never loses to a beat.
  const committed = expectedVersion === undefined ? retryLostRaces(attempt) : attempt();
  const outcome = await committed.catch(timer.failed);
  if (outcome.changed) {
    ctx.events.publish("rollout.changed", {
      rolloutId: outcome.rollout.id,
      version: outcome.rollout.version,
      state: outcome.rollout.state,
      exposurePercent: outcome.rollout.exposurePercent,
    });
  }
  timer.done(outcome);
  return outcome;
}

const LOST_RACE_ATTEMPTS = 3;

async function retryLostRaces<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const lostRace = error instanceof AppError && error.code === "CONFLICT";
      if (!lostRace || tries >= LOST_RACE_ATTEMPTS) throw error;
    }
  }
}

/**
 * Takes the key for this command, or returns the outcome stored by whoever took it first. A concurrent
 * holder of the same key makes this insert wait for its commit, so exactly one caller does the work.
 */
async function claimIdempotencyKey(
  tx: Prisma.TransactionClient,
  key: string,
  command: string,
): Promise<{ outcome: CommandOutcome; request?: string } | null> {
  const { count } = await tx.idempotencyKey.createMany({
    data: [{ key, command, result: {} }],
    skipDuplicates: true,
  });
  if (count === 1) return null;
  const stored = await tx.idempotencyKey.findUniqueOrThrow({ where: { key } });
  // Outcomes stored before requests were fingerprinted have no `request`: they match any retry.
  const { request, ...outcome } = stored.result as unknown as CommandOutcome & { request?: string };
  return { outcome, request };
}

function reasonOf(command: RolloutCommand, event: RolloutEvent): string | null {
  if ("reason" in event && typeof event.reason === "string" && event.reason) return event.reason;
  if ("why" in event) return event.why;
  if ("override" in command && command.override) return `break glass: ${command.override.reason}`;
  return "reason" in command ? (command.reason ?? null) : null;
}
