import type { ServiceContext } from "../context";
import { assessStoredSlo } from "./assess-stored-slo";
import { sloSelect, toSloState, toSloSubject } from "./slo-row";

/**
 * Every SLO (or one service's) by service, environment and name: its remembered alert and freeze state
 * (what slo-watch acted on), and its budget and burn rates now, read as slo-watch reads them.
 */
export async function listSlos(ctx: ServiceContext, filter: { service?: string } = {}) {
  const now = ctx.now();
  const rows = await ctx.db.slo.findMany({
    where: filter.service ? { service: { name: filter.service } } : {},
    select: sloSelect,
    orderBy: [{ service: { name: "asc" } }, { environment: "asc" }, { name: "asc" }],
  });
  return Promise.all(
    rows.map(async (row) => {
      const { alert, budget } = await assessStoredSlo(ctx, row, now);
      return { ...toSloSubject(row), ...toSloState(row), budget, burnRates: alert.rules };
    }),
  );
}
