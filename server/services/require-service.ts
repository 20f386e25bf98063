import type { Db } from "../db/client";
import { AppError } from "../domain/errors";

/**
 * The id of the service with this name, or NOT_FOUND naming `field`: a misspelt service must not read
 * as "nothing there" (an empty list, a kill that found nothing running, a freeze that freezes nothing).
 */
export async function requireServiceId(
  db: Pick<Db, "service">,
  name: string,
  field = "service",
): Promise<string> {
  const found = await db.service.findUnique({ where: { name }, select: { id: true } });
  if (!found) throw new AppError("NOT_FOUND", `No service named ${name}`, field);
  return found.id;
}

/** The environments each service was released to, sorted. */
export async function releasedEnvironments(
  db: Pick<Db, "release">,
  serviceIds: readonly string[],
): Promise<Map<string, string[]>> {
  const releases = await db.release.findMany({
    where: { serviceId: { in: [...serviceIds] } },
    distinct: ["serviceId", "environment"],
    select: { serviceId: true, environment: true },
    orderBy: { environment: "asc" },
  });
  const byService = new Map<string, string[]>();
  for (const r of releases)
    byService.set(r.serviceId, [...(byService.get(r.serviceId) ?? []), r.environment]);
  return byService;
}

/**
 * BAD_INPUT naming `field` when `environment` is not one the service was released to (`known`): an SLO
 * or traffic there would judge or feed nothing, and read healthy for ever.
 */
export function checkReleasedTo(
  service: string,
  environment: string,
  known: readonly string[],
  field = "environment",
): void {
  if (known.includes(environment)) return;
  throw new AppError(
    "BAD_INPUT",
    `${field}: ${service} has no release in ${environment}` +
      (known.length > 0 ? ` (it has: ${known.join(", ")})` : ""),
    field,
  );
}
