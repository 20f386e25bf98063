import { parseSloDefinition, type SloInput } from "../../domain/slo";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { requireServiceId } from "../require-service";
import { sloSelect, toSloSubject } from "./slo-row";

/**
 * Defines (or redefines, by service and name) an SLO. A latency threshold must be one of the bucket
 * bounds of the service's newest sample, when it has one. Repeating the same definition changes nothing.
 */
export async function defineSlo(
  ctx: ServiceContext,
  actor: CommandActor,
  input: SloInput & { service: string },
) {
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const serviceId = await requireServiceId(tx, input.service);
    const newest = await tx.metricSample.findFirst({
      where: { rollout: { serviceId } },
      orderBy: { intervalEnd: "desc" },
      select: { latencyBoundsMs: true },
    });
    const definition = parseSloDefinition(input, newest?.latencyBoundsMs ?? null);
    const existing = await tx.slo.findUnique({
      where: { serviceId_name: { serviceId, name: definition.name } },
      select: sloSelect,
    });
    if (existing) {
      const before = toSloSubject(existing);
      const same =
        before.kind === definition.kind &&
        before.objective === definition.objective &&
        before.windowDays === definition.windowDays &&
        before.latencyThresholdMs === definition.latencyThresholdMs;
      if (same) return before;
    }
    const saved = existing
      ? await tx.slo.update({ where: { id: existing.id }, data: definition, select: sloSelect })
      : await tx.slo.create({ data: { ...definition, serviceId }, select: sloSelect });
    const after = toSloSubject(saved);
    await recordAuditEvent(tx, {
      actor,
      action: existing ? "slo.redefined" : "slo.defined",
      targetType: "service",
      targetId: serviceId,
      reason: `SLO ${after.service}/${after.name}`,
      before: existing ? { slo: { ...toSloSubject(existing) } } : undefined,
      after: { slo: { ...after } },
      at: now,
    });
    return after;
  });
}
