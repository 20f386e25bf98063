import type { ServiceContext } from "../context";

/** Active incidents first, then the most recent resolved ones (the freeze history). */
export function listIncidents(ctx: ServiceContext, limit = 50) {
  return ctx.db.incident.findMany({
    orderBy: [{ resolvedAt: { sort: "desc", nulls: "first" } }, { declaredAt: "desc" }],
    take: limit,
  });
}
