import type { ServiceContext } from "../context";
import { sloSelect, toSloState, toSloSubject } from "./slo-row";

/** Every SLO (or one service's) with its remembered alert and freeze state, by service then name. */
export async function listSlos(ctx: ServiceContext, filter: { service?: string } = {}) {
  const rows = await ctx.db.slo.findMany({
    where: filter.service ? { service: { name: filter.service } } : {},
    select: sloSelect,
    orderBy: [{ service: { name: "asc" } }, { name: "asc" }],
  });
  return rows.map((row) => ({ ...toSloSubject(row), ...toSloState(row) }));
}
