import type { Db } from "../../db/client";

/** Every service environment that an SLO watches: the metric sources sample its whole traffic. */
export async function listWatchedEnvironments(
  db: Pick<Db, "slo">,
): Promise<{ service: string; environment: string }[]> {
  const rows = await db.slo.findMany({
    distinct: ["serviceId", "environment"],
    select: { environment: true, service: { select: { name: true } } },
  });
  return rows.map((row) => ({ service: row.service.name, environment: row.environment }));
}
