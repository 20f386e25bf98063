import type { Db, Prisma } from "../../db/client";
import type { GateConfig } from "../../domain/analysis/gate-config";
import { AppError } from "../../domain/errors";

type Reader = Db | Prisma.TransactionClient;

export const gateDefaultsSelect = {
  id: true,
  gates: true,
  updatedBy: true,
  updatedAt: true,
  service: { select: { name: true } },
} as const;

type Row = Prisma.GateDefaultsGetPayload<{ select: typeof gateDefaultsSelect }>;

/** A stored set as clients see it; its gates were validated with gateSetSchema before they were stored. */
export function toGateDefaultsView(row: Row) {
  return {
    service: row.service?.name ?? null,
    gates: row.gates as unknown as GateConfig[],
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}

/** The id of the named service, or null for the global scope; an unknown name is NOT_FOUND. */
export async function scopeServiceId(db: Reader, service: string | undefined): Promise<string | null> {
  if (service === undefined) return null;
  const found = await db.service.findUnique({ where: { name: service }, select: { id: true } });
  if (!found) throw new AppError("NOT_FOUND", `service: no service named ${service}`, "service");
  return found.id;
}

/** The stored set of one scope (null: global), if any. */
export function findGateDefaults(db: Reader, serviceId: string | null) {
  return db.gateDefaults.findFirst({ where: { serviceId }, select: gateDefaultsSelect });
}
