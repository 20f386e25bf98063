import { z } from "zod";
import { personalDataReader, ROLES } from "../../auth/permissions";
import { clearGateDefaults } from "../../services/gates/clear-gate-defaults";
import { listGateDefaults } from "../../services/gates/list-gate-defaults";
import { setGateDefaults } from "../../services/gates/set-gate-defaults";
import { listUsers } from "../../services/users/list-users";
import { setUserRole } from "../../services/users/set-user-role";
import { gateSetSchema } from "../../validation/gate-schema";
import { text } from "../../validation/text";
import { procedureWith, router } from "../init";

/** A service's name for its override; omitted for the global gate defaults. */
const gateScope = z.strictObject({ service: text(200).optional() });

/** The admin's surfaces: who may do what, and the gates new rollouts get. */
export const adminRouter = router({
  users: procedureWith("users:manage").query(({ ctx }) => listUsers(ctx.services)),
  setRole: procedureWith("users:manage")
    .input(z.strictObject({ userId: text(64), role: z.enum(ROLES) }))
    .mutation(({ ctx, input }) => setUserRole(ctx.services, ctx.actor, input)),
  // Everyone may read the gates new rollouts will get; only an admin changes them.
  gateDefaults: procedureWith("rollouts:read").query(({ ctx }) =>
    listGateDefaults(ctx.services, personalDataReader(ctx.actor)),
  ),
  setGateDefaults: procedureWith("gates:manage")
    .input(gateScope.extend({ gates: gateSetSchema }))
    .mutation(({ ctx, input }) => setGateDefaults(ctx.services, ctx.actor, input)),
  clearGateDefaults: procedureWith("gates:manage")
    .input(gateScope)
    .mutation(({ ctx, input }) => clearGateDefaults(ctx.services, ctx.actor, input)),
});
