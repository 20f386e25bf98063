import { z } from "zod";
import { personalDataReader } from "../../auth/permissions";
import { listFreezeHistory } from "../../services/freezes/list-freeze-history";
import { loadFreezeState } from "../../services/freezes/load-freeze-state";
import { declareIncident } from "../../services/incidents/declare-incident";
import { listIncidents } from "../../services/incidents/list-incidents";
import { resolveIncident } from "../../services/incidents/resolve-incident";
import { text } from "../../validation/text";
import { procedureWith, router } from "../init";

export const incidentsRouter = router({
  list: procedureWith("rollouts:read").query(({ ctx }) =>
    listIncidents(ctx.services, personalDataReader(ctx.actor)),
  ),
  /** What freezes progressive delivery right now: active incidents and spent error budgets. */
  freeze: procedureWith("rollouts:read").query(({ ctx }) => loadFreezeState(ctx.services.db)),
  /** Freezes started and ended, and break-glass overrides, from the audit history. */
  freezeHistory: procedureWith("rollouts:read").query(({ ctx }) =>
    listFreezeHistory(ctx.services, personalDataReader(ctx.actor)),
  ),
  declare: procedureWith("incidents:manage")
    .input(
      z.strictObject({
        title: text(200),
        severity: z.enum(["sev1", "sev2", "sev3"]),
        services: z.array(text(200)).min(1, "name at least one service or *").max(200),
      }),
    )
    .mutation(({ ctx, input }) =>
      declareIncident(ctx.services, ctx.actor, input, { knownServicesOnly: true }),
    ),
  resolve: procedureWith("incidents:manage")
    .input(z.strictObject({ id: text(64) }))
    .mutation(({ ctx, input }) => resolveIncident(ctx.services, ctx.actor, { id: input.id })),
});
