import { z } from "zod";
import { COMMAND_PERMISSIONS, personalDataReader } from "../../auth/permissions";
import type { RolloutCommand, UserCommand } from "../../domain/rollout";
import { listEvaluations } from "../../services/analysis/list-evaluations";
import { listAuditEvents } from "../../services/audit/list-audit-events";
import { listSeries } from "../../services/metrics/list-series";
import { advanceSchemaPhase } from "../../services/rollouts/advance-schema-phase";
import { getChartMarks } from "../../services/rollouts/get-chart-marks";
import { getMechanismView } from "../../services/rollouts/get-mechanism-view";
import { getRolloutForActor } from "../../services/rollouts/get-rollout-for-actor";
import { killRollouts } from "../../services/rollouts/kill-rollouts";
import { listRolloutOverview } from "../../services/rollouts/list-rollout-overview";
import { runRolloutCommand } from "../../services/rollouts/run-rollout-command";
import { reason, text } from "../../validation/text";
import { procedureWith, router } from "../init";

const rolloutId = z.strictObject({ id: text(64) });
const versioned = rolloutId.extend({ expectedVersion: z.number().int().min(0).optional() });
/** Start, advance, approve and resume: during a freeze, a release manager breaks glass with a written reason. */
const gatedInput = versioned.extend({ breakGlassReason: reason.optional() });
/** Pause, abort and kill are never frozen; their reason goes into the audit history. */
const reasonedInput = versioned.extend({ reason: reason.optional() });

type GatedCommand = Extract<UserCommand, "start" | "advance" | "approve" | "resume">;
type ReasonedCommand = Exclude<UserCommand, GatedCommand>;

type CommandInput = z.infer<typeof versioned> & { reason?: string; breakGlassReason?: string };

/** One mutation per command, each guarded by the permission the command needs. */
function commandProcedure(
  type: UserCommand,
  input: z.ZodType<CommandInput>,
  toCommand: (input: CommandInput) => RolloutCommand,
) {
  return procedureWith(COMMAND_PERMISSIONS[type])
    .input(input)
    .mutation(async ({ ctx, input }) => {
      await runRolloutCommand(ctx.services, ctx.actor, input.id, toCommand(input), {
        expectedVersion: input.expectedVersion,
      });
      return getRolloutForActor(ctx.services, ctx.actor, input.id);
    });
}

const gated = (type: GatedCommand) =>
  commandProcedure(type, gatedInput, (input) => ({
    type,
    override: input.breakGlassReason ? { reason: input.breakGlassReason } : undefined,
  }));

const reasoned = (type: ReasonedCommand, input: z.ZodType<CommandInput> = reasonedInput) =>
  commandProcedure(type, input, ({ reason }) => ({ type, reason }));

export const rolloutsRouter = router({
  /** The overview page: every rollout with what freezes it now. */
  list: procedureWith("rollouts:read").query(({ ctx }) =>
    listRolloutOverview(ctx.services, personalDataReader(ctx.actor)),
  ),
  byId: procedureWith("rollouts:read")
    .input(rolloutId)
    .query(({ ctx, input }) => getRolloutForActor(ctx.services, ctx.actor, input.id)),
  series: procedureWith("rollouts:read")
    .input(rolloutId)
    .query(({ ctx, input }) => listSeries(ctx.services, input.id)),
  /** What the charts draw over the series: step margins, step boundaries, verdict changes. */
  chartMarks: procedureWith("rollouts:read")
    .input(rolloutId)
    .query(({ ctx, input }) => getChartMarks(ctx.services, input.id)),
  /** The exposure as the mechanism applies it, now and at last-known-good. */
  mechanism: procedureWith("rollouts:read")
    .input(rolloutId)
    .query(({ ctx, input }) => getMechanismView(ctx.services, input.id)),
  verdicts: procedureWith("rollouts:read")
    .input(rolloutId)
    .query(({ ctx, input }) => listEvaluations(ctx.services, input.id)),
  history: procedureWith("audit:read")
    .input(rolloutId)
    .query(({ ctx, input }) =>
      listAuditEvents(
        ctx.services,
        { targetType: "rollout", targetId: input.id, limit: 100 },
        personalDataReader(ctx.actor),
      ),
    ),
  start: gated("start"),
  advance: gated("advance"),
  approve: gated("approve"),
  resume: gated("resume"),
  pause: reasoned("pause"),
  abort: reasoned("abort", reasonedInput.required({ reason: true })),
  kill: reasoned("kill", reasonedInput.required({ reason: true })),
  /** Expand → migrate → contract; the contract waits for 100% and the bake time. */
  advanceSchemaPhase: procedureWith("rollouts:manage")
    .input(rolloutId)
    .mutation(({ ctx, input }) => advanceSchemaPhase(ctx.services, ctx.actor, input.id)),
  /** The kill switch for every rollout of a service; the key makes a repeat (double click, retry) a no-op. */
  killService: procedureWith("rollouts:kill")
    .input(z.strictObject({ service: text(200), reason, idempotencyKey: text(200) }))
    .mutation(async ({ ctx, input }) => {
      const outcomes = await killRollouts(ctx.services, ctx.actor, { service: input.service }, input);
      return { rolledBack: outcomes.filter((o) => o.changed).length };
    }),
  /** Everything back to last-known-good. The typed confirmation guards against a stray click. */
  killAll: procedureWith("rollouts:kill")
    .input(
      z.strictObject({
        reason,
        idempotencyKey: text(200),
        confirm: z.literal("KILL ALL", "type KILL ALL to confirm"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const outcomes = await killRollouts(ctx.services, ctx.actor, { all: true }, input);
      return { rolledBack: outcomes.filter((o) => o.changed).length };
    }),
});
