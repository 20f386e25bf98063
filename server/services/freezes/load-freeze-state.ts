import type { Prisma } from "../../db/client";
import type { FreezeState } from "../../domain/rollout";

type FreezeReader = Pick<Prisma.TransactionClient, "incident" | "slo">;

/**
 * Everything that freezes progressive delivery right now, as stored: active incidents (whole rows, for
 * the API), and SLOs whose error budget is spent (set and lifted by slo-watch, see
 * server/services/slo/evaluate-slos.ts).
 */
export async function loadActiveFreezes(db: FreezeReader) {
  const [incidents, exhausted] = await Promise.all([
    db.incident.findMany({ where: { resolvedAt: null }, orderBy: { declaredAt: "asc" } }),
    db.slo.findMany({
      where: { budgetExhaustedSince: { not: null } },
      select: {
        name: true,
        environment: true,
        budgetExhaustedSince: true,
        service: { select: { name: true } },
      },
      orderBy: [{ budgetExhaustedSince: "asc" }, { id: "asc" }],
    }),
  ]);
  return {
    incidents,
    exhaustedBudgets: exhausted.map((s) => ({
      service: s.service.name,
      environment: s.environment,
      slo: s.name,
      since: s.budgetExhaustedSince as Date,
    })),
  };
}

/** The active freezes as the domain's decisions read them. */
export async function loadFreezeState(db: FreezeReader): Promise<FreezeState> {
  const { incidents, exhaustedBudgets } = await loadActiveFreezes(db);
  return {
    incidents: incidents.map((i) => ({
      id: `${i.id} (${i.title})`,
      title: i.title,
      severity: i.severity,
      services: i.services.includes("*") ? "*" : i.services,
    })),
    exhaustedBudgets: exhaustedBudgets.map((b) => ({
      serviceId: b.service,
      environment: b.environment,
      slo: b.slo,
    })),
  };
}
