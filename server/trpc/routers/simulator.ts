import { z } from "zod";
import { AppError } from "../../domain/errors";
import { setSimulatedRegression } from "../../services/rollouts/set-simulated-regression";
import { text } from "../../validation/text";
import { procedureWith, router, simulatorRuns } from "../init";

export const simulatorRouter = router({
  setRegression: procedureWith("simulator:control")
    .input(
      z.strictObject({
        id: text(64),
        errorMultiplier: z.number().min(1).max(100),
        latencyShiftMs: z.number().min(0).max(10_000),
        conversionDrop: z.number().min(0).max(1),
      }),
    )
    .mutation(({ ctx, input }) => {
      if (!simulatorRuns(ctx)) {
        throw new AppError(
          "FORBIDDEN",
          `simulator: none runs here; metrics come from ${ctx.metricsSource} (SLUICE_METRICS_SOURCE)`,
          "simulator",
        );
      }
      return setSimulatedRegression(ctx.services, ctx.actor, input);
    }),
});
