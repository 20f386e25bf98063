import type { RolloutState } from "../../domain/rollout";
import type { CommandActor } from "../actors";
import type { ServiceContext } from "../context";
import { requireServiceId } from "../require-service";
import { type CommandOutcome, runRolloutCommand } from "./run-rollout-command";

export type KillScope = { rolloutId: string } | { service: string } | { all: true };

const ACTIVE: RolloutState[] = ["draft", "running", "paused"];

/**
 * The kill switch: every rollout in scope goes back to its last-known-good exposure. Each rollout's kill
 * is its own transaction, so one failure never blocks the others, and the shared idempotency key makes
 * a repeated kill (a retry, a double click, fifty pagers) change nothing a second time.
 */
export async function killRollouts(
  ctx: ServiceContext,
  actor: CommandActor,
  scope: KillScope,
  input: { reason: string; idempotencyKey?: string },
): Promise<CommandOutcome[]> {
  // Before anything is killed: a misspelt service must not answer "killed, nothing was running".
  if ("service" in scope) await requireServiceId(ctx.db, scope.service);
  const targets =
    "rolloutId" in scope
      ? [{ id: scope.rolloutId }]
      : await ctx.db.rollout.findMany({
          where: {
            state: { in: ACTIVE },
            ...("service" in scope ? { service: { name: scope.service } } : {}),
          },
          select: { id: true },
          orderBy: { createdAt: "asc" },
        });
  const outcomes: CommandOutcome[] = [];
  const failures: unknown[] = [];
  for (const target of targets) {
    try {
      outcomes.push(
        await runRolloutCommand(
          ctx,
          actor,
          target.id,
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
