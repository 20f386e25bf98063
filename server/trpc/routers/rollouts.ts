import { z } from "zod";
import { listAuditEvents } from "../../services/audit/list-audit-events";
import { listSeries } from "../../services/metrics/list-series";
import { getRollout } from "../../services/rollouts/get-rollout";
import { listRollouts } from "../../services/rollouts/list-rollouts";
import { pauseRollout } from "../../services/rollouts/pause-rollout";
import { procedureWith, router } from "../init";

const rolloutId = z.object({ id: z.string().min(1, "id is required").max(64) });

export const rolloutsRouter = router({
  list: procedureWith("rollouts:read").query(({ ctx }) => listRollouts(ctx.services)),
  byId: procedureWith("rollouts:read")
    .input(rolloutId)
    .query(({ ctx, input }) => getRollout(ctx.services, input.id)),
  series: procedureWith("rollouts:read")
    .input(rolloutId)
    .query(({ ctx, input }) => listSeries(ctx.services, input.id)),
  history: procedureWith("audit:read")
    .input(rolloutId)
    .query(({ ctx, input }) =>
      listAuditEvents(ctx.services, { targetType: "rollout", targetId: input.id, limit: 100 }),
    ),
  pause: procedureWith("rollouts:pause")
    .input(rolloutId.extend({ reason: z.string().trim().max(500).optional() }))
    .mutation(({ ctx, input }) => pauseRollout(ctx.services, ctx.actor, input)),
});
