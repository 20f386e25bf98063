import { router } from "./init";
import { adminRouter } from "./routers/admin";
import { auditRouter } from "./routers/audit";
import { flagsRouter } from "./routers/flags";
import { incidentsRouter } from "./routers/incidents";
import { notificationsRouter } from "./routers/notifications";
import { rolloutsRouter } from "./routers/rollouts";
import { sessionRouter } from "./routers/session";
import { simulatorRouter } from "./routers/simulator";
import { slosRouter } from "./routers/slos";
import { tokensRouter } from "./routers/tokens";

export const appRouter = router({
  admin: adminRouter,
  audit: auditRouter,
  flags: flagsRouter,
  incidents: incidentsRouter,
  notifications: notificationsRouter,
  rollouts: rolloutsRouter,
  session: sessionRouter,
  simulator: simulatorRouter,
  slos: slosRouter,
  tokens: tokensRouter,
});

export type AppRouter = typeof appRouter;
