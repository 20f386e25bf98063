import { can, PERMISSIONS, type Permission } from "../../auth/permissions";
import { router, signedInProcedure, simulatorRuns } from "../init";

export const sessionRouter = router({
  /** Who is signed in and what they may do, so the UI can mirror the server's permission table. */
  me: signedInProcedure.query(({ ctx }) => ({
    ...ctx.actor,
    permissions: (Object.keys(PERMISSIONS) as Permission[]).filter(
      (p) => can(ctx.actor.role, p) && (p !== "simulator:control" || simulatorRuns(ctx)),
    ),
  })),
});
