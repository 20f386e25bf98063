import type { Prisma } from "../../db/client";
import type { FreezeState } from "../../domain/rollout";

/**
 * Everything that freezes progressive delivery right now: active incidents, and SLOs whose error budget
 * is spent (set and lifted by slo-watch, see server/services/slo/evaluate-slos.ts).
 */
export async function loadFreezeState(
  db: Pick<Prisma.TransactionClient, "incident" | "slo">,
): Promise<FreezeState> {
  const [incidents, exhausted] = await Promise.all([
    db.incident.findMany({
      where: { resolvedAt: null },
      select: { id: true, title: true, severity: true, services: true },
      orderBy: { declaredAt: "asc" },
    }),
    db.slo.findMany({
      where: { budgetExhaustedSince: { not: null } },
      select: { name: true, service: { select: { name: true } } },
      orderBy: [{ budgetExhaustedSince: "asc" }, { id: "asc" }],
    }),
  ]);
  return {
    incidents: incidents.map((i) => ({
      id: `${i.id} (${i.title})`,
      severity: i.severity,
      services: i.services.includes("*") ? "*" : i.services,
    })),
    exhaustedBudgets: exhausted.map((s) => ({ serviceId: s.service.name, slo: s.name })),
  };
}
