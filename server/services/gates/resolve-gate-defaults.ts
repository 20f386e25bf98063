import type { Db, Prisma } from "../../db/client";
import { defaultGates } from "../../domain/analysis/default-gates";
import type { GateConfig } from "../../domain/analysis/gate-config";
import { findGateDefaults, toGateDefaultsView } from "./gate-defaults-row";

/**
 * The gates a new rollout of this service gets where its plan names none: the service's override, else
 * the global set an admin stored, else the code defaults.
 */
export async function resolveGateDefaults(
  db: Db | Prisma.TransactionClient,
  serviceId: string,
): Promise<GateConfig[]> {
  const stored = (await findGateDefaults(db, serviceId)) ?? (await findGateDefaults(db, null));
  return stored ? toGateDefaultsView(stored).gates : defaultGates();
}
