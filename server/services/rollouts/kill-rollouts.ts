import type { Db } from "../../db/client";
import { AppError } from "../../domain/errors";
import type { RolloutState } from "../../domain/rollout";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { requireServiceId } from "../require-service";
import { type CommandOutcome, runRolloutCommand } from "./run-rollout-command";

export type KillScope = { service: string } | { all: true };
type KillInput = { reason: string; idempotencyKey: string };

const ACTIVE: RolloutState[] = ["draft", "running", "paused"];

/**
 * The kill switch, as a person or a tool asks for it: every rollout active in scope goes back to its
 * last-known-good exposure. The idempotency key names this one request: the rollouts it covers are
 * remembered with the key, so a retry (a double click, fifty pagers, a tool retrying hours later)
 * finishes those and never reaches a rollout started after the first call.
 */
export async function killRollouts(
  ctx: ServiceContext,
  actor: CommandActor,
  scope: KillScope,
  input: KillInput,
): Promise<CommandOutcome[]> {
  // Before anything is killed: a misspelt service must not answer "killed, nothing was running".
  const serviceId = "service" in scope ? await requireServiceId(ctx.db, scope.service) : "*";
  const active = await activeRolloutIds(ctx.db, scope);
  const covered = await claimKillRequest(ctx, actor, { scope, serviceId }, active, input);
  return killEach(ctx, actor, covered, input);
}

/**
 * A standing kill (an SLO page): every rollout of the service in the environment active now, including
 * ones started since the last call. The key still makes each rollout's kill happen once.
 */
export async function killActiveRollouts(
  ctx: ServiceContext,
  actor: CommandActor,
  scope: { service: string; environment: string },
  input: KillInput,
): Promise<CommandOutcome[]> {
  return killEach(ctx, actor, await activeRolloutIds(ctx.db, scope), input);
}

async function activeRolloutIds(
  db: Db,
  scope: KillScope | { service: string; environment: string },
): Promise<string[]> {
  const rows = await db.rollout.findMany({
    where: {
      state: { in: ACTIVE },
      ...("service" in scope ? { service: { name: scope.service } } : {}),
      ...("environment" in scope ? { release: { environment: scope.environment } } : {}),
    },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((row) => row.id);
}

/**
 * Records which rollouts this request covers, or returns what the first call with the key recorded.
 * The insert is atomic, so of two concurrent first calls the one that loses uses the winner's list.
 * The first call also audits the request itself (each rollout's kill audits only that rollout): who
 * pressed kill, when and why stays on record even when nothing was active, and a retry adds nothing.
 */
async function claimKillRequest(
  ctx: ServiceContext,
  actor: CommandActor,
  { scope, serviceId }: { scope: KillScope; serviceId: string },
  active: string[],
  { reason, idempotencyKey }: KillInput,
) {
  const key = `kill-request:${idempotencyKey}`;
  const asked = "service" in scope ? `service ${scope.service}` : "all";
  const stored = await ctx.db.$transaction(async (tx) => {
    const { count } = await tx.idempotencyKey.createMany({
      data: [{ key, command: "kill", result: { scope: asked, rollouts: active } }],
      skipDuplicates: true,
    });
    if (count > 0) {
      await recordAuditEvent(tx, {
        actor,
        action: "rollout.kill-requested",
        targetType: "service",
        targetId: serviceId,
        reason,
        after: { scope: asked, idempotencyKey, rollouts: active },
        at: ctx.now(),
      });
    }
    const claimed = await tx.idempotencyKey.findUniqueOrThrow({ where: { key } });
    return claimed.result as { scope: string; rollouts: string[] };
  });
  // A retry repeats its request; the same key on another scope is a client bug, not a retry.
  if (stored.scope !== asked) {
    throw new AppError(
      "CONFLICT",
      `idempotencyKey: ${idempotencyKey} was used for a kill of ${stored.scope}; use a new key`,
      "idempotencyKey",
    );
  }
  return stored.rollouts;
}

/** Each rollout's kill is its own transaction, so one failure never blocks the others. */
async function killEach(
  ctx: ServiceContext,
  actor: CommandActor,
  rolloutIds: string[],
  input: KillInput,
): Promise<CommandOutcome[]> {
  const outcomes: CommandOutcome[] = [];
  const failures: unknown[] = [];
  for (const id of rolloutIds) {
    try {
      outcomes.push(
        await runRolloutCommand(
          ctx,
          actor,
          id,
          { type: "kill", reason: input.reason },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
    } catch (error) {
      failures.push(error);
    }
  }
  // The others are back at last-known-good; the caller hears of the failure and retries with the same
  // key, which repeats nothing that was done.
  if (failures.length > 0) throw failures[0];
  return outcomes;
}
