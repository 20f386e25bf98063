import type { Prisma } from "../../db/client";
import type { FreezeState } from "../../domain/rollout";

/**
 * Everything that freezes progressive delivery right now: active incidents. Error-budget freezes join
 * this once SLOs are computed (the analysis work); until then no budget is reported exhausted.
 */
export async function loadFreezeState(db: Pick<Prisma.TransactionClient, "incident">): Promise<FreezeState> {
  const incidents = await db.incident.findMany({
    where: { resolvedAt: null },
    select: { id: true, title: true, severity: true, services: true },
    orderBy: { declaredAt: "asc" },
  });
  return {
    incidents: incidents.map((i) => ({
      id: `${i.id} (${i.title})`,
      severity: i.severity,
      services: i.services.includes("*") ? "*" : i.services,
    })),
    exhaustedBudgets: [],
  };
}
