import { router } from "./init";
import { rolloutsRouter } from "./routers/rollouts";
import { sessionRouter } from "./routers/session";
import { simulatorRouter } from "./routers/simulator";

export const appRouter = router({
  rollouts: rolloutsRouter,
  session: sessionRouter,
  simulator: simulatorRouter,
});

export type AppRouter = typeof appRouter;
