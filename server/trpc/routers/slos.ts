import { z } from "zod";
import { MAX_SLO_WINDOW_DAYS, SLO_KINDS } from "../../domain/slo";
import { defineSlo } from "../../services/slo/define-slo";
import { listSlos } from "../../services/slo/list-slos";
import { text } from "../../validation/text";
import { procedureWith, router } from "../init";

/** What each service promises per environment, how fast it is spending its budget, and (admins) defining it. */
export const slosRouter = router({
  list: procedureWith("rollouts:read")
    .input(z.strictObject({ service: text(200).optional() }).optional())
    .query(({ ctx, input }) => listSlos(ctx.services, input)),
  define: procedureWith("slos:manage")
    .input(
      z.strictObject({
        service: text(200),
        environment: text(200),
        name: text(63),
        kind: z.enum(SLO_KINDS as [string, ...string[]]),
        objective: z.number().gt(0).lt(1),
        windowDays: z.number().int().min(1).max(MAX_SLO_WINDOW_DAYS).optional(),
        latencyThresholdMs: z
          .number()
          .positive()
          .max(600_000, "must be at most 600,000 ms")
          .nullable()
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => defineSlo(ctx.services, ctx.actor, input)),
});
