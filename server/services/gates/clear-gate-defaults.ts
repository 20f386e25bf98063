import type { Actor } from "../../auth/permissions";
import { asJson } from "../../db/json";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { findGateDefaults, scopeServiceId, toGateDefaultsView } from "./gate-defaults-row";
import { type GateDefaultsScope, scopeLabel } from "./set-gate-defaults";

/**
 * Removes a scope's stored gate defaults (audited): a service falls back to the global set, the global
 * set to the code defaults. Clearing what is not stored changes nothing.
 */
export async function clearGateDefaults(ctx: ServiceContext, actor: Actor, scope: GateDefaultsScope) {
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const serviceId = await scopeServiceId(tx, scope.service);
    const existing = await findGateDefaults(tx, serviceId);
    if (!existing) return { cleared: false };
    await tx.gateDefaults.delete({ where: { id: existing.id } });
    await recordAuditEvent(tx, {
      actor,
      action: "gate-defaults.cleared",
      targetType: "gate-defaults",
      targetId: serviceId ?? "global",
      reason: scopeLabel(scope),
      before: { gates: asJson(toGateDefaultsView(existing).gates) },
      at: now,
    });
    return { cleared: true };
  });
}
