import type { Actor } from "../../auth/permissions";
import { asJson } from "../../db/json";
import type { GateConfig } from "../../domain/analysis/gate-config";
import { canonicalJson } from "../../domain/audit/canonical-json";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import {
  findGateDefaults,
  gateDefaultsSelect,
  scopeServiceId,
  toGateDefaultsView,
} from "./gate-defaults-row";

export interface GateDefaultsScope {
  /** A service's name for its override; omitted for the global defaults. */
  service?: string;
}

export const scopeLabel = (scope: GateDefaultsScope) =>
  scope.service === undefined ? "global gate defaults" : `gate defaults of ${scope.service}`;

/**
 * Stores the gate defaults of one scope (audited with before and after). Only rollouts created later
 * use them: a rollout copies its gates into its plan when it is created. Gates must be validated with
 * gateSetSchema first. Storing the same set again changes nothing.
 */
export async function setGateDefaults(
  ctx: ServiceContext,
  actor: Actor,
  input: GateDefaultsScope & { gates: GateConfig[] },
) {
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const serviceId = await scopeServiceId(tx, input.service);
    const existing = await findGateDefaults(tx, serviceId);
    const before = existing ? toGateDefaultsView(existing) : null;
    // Stored JSON comes back with its keys reordered (jsonb), hence the canonical comparison.
    if (before && canonicalJson(before.gates) === canonicalJson(input.gates)) {
      return { ...before, changed: false };
    }
    const data = { gates: asJson(input.gates), updatedBy: actor.name };
    const saved = existing
      ? await tx.gateDefaults.update({ where: { id: existing.id }, data, select: gateDefaultsSelect })
      : await tx.gateDefaults.create({ data: { ...data, serviceId }, select: gateDefaultsSelect });
    await recordAuditEvent(tx, {
      actor,
      action: existing ? "gate-defaults.changed" : "gate-defaults.set",
      targetType: "gate-defaults",
      targetId: serviceId ?? "global",
      reason: scopeLabel(input),
      before: before ? { gates: asJson(before.gates) } : undefined,
      after: { gates: asJson(input.gates) },
      at: now,
    });
    return { ...toGateDefaultsView(saved), changed: true };
  });
}
