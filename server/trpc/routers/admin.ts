import { z } from "zod";
import { ROLES } from "../../auth/permissions";
import { SLO_KINDS } from "../../domain/slo";
import { clearGateDefaults } from "../../services/gates/clear-gate-defaults";
import { listGateDefaults } from "../../services/gates/list-gate-defaults";
import { setGateDefaults } from "../../services/gates/set-gate-defaults";
import { defineSlo } from "../../services/slo/define-slo";
import { listSlos } from "../../services/slo/list-slos";
import { listUsers } from "../../services/users/list-users";
import { setUserRole } from "../../services/users/set-user-role";
import { gateSetSchema } from "../../validation/gate-schema";
import { text } from "../../validation/text";
import { procedureWith, router } from "../init";

/** A service's name for its override; omitted for the global gate defaults. */
const gateScope = z.strictObject({ service: text(200).optional() });

/** The admin's surfaces: who may do what, what each service promises (its SLOs), and its default gates. */
export const adminRouter = router({
  users: procedureWith("users:manage").query(({ ctx }) => listUsers(ctx.services)),
  setRole: procedureWith("users:manage")
    .input(z.strictObject({ userId: text(64), role: z.enum(ROLES) }))
    .mutation(({ ctx, input }) => setUserRole(ctx.services, ctx.actor, input)),
  slos: procedureWith("rollouts:read")
    .input(z.strictObject({ service: text(200).optional() }).optional())
    .query(({ ctx, input }) => listSlos(ctx.services, input)),
  defineSlo: procedureWith("slos:manage")
    .input(
      z.strictObject({
        service: text(200),
        environment: text(200),
        name: text(63),
        kind: z.enum(SLO_KINDS as [string, ...string[]]),
        objective: z.number().gt(0).lt(1),
        windowDays: z.number().int().min(1).max(90).optional(),
        latencyThresholdMs: z
          .number()
          .positive()
          .max(600_000, "must be at most 600,000 ms")
          .nullable()
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => defineSlo(ctx.services, ctx.actor, input)),
  // Everyone may read the gates new rollouts will get; only an admin changes them.
  gateDefaults: procedureWith("rollouts:read").query(({ ctx }) => listGateDefaults(ctx.services)),
  setGateDefaults: procedureWith("gates:manage")
    .input(gateScope.extend({ gates: gateSetSchema }))
    .mutation(({ ctx, input }) => setGateDefaults(ctx.services, ctx.actor, input)),
  clearGateDefaults: procedureWith("gates:manage")
    .input(gateScope)
    .mutation(({ ctx, input }) => clearGateDefaults(ctx.services, ctx.actor, input)),
});
