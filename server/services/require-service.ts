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
