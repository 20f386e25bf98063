import { parseSloDefinition, type SloInput } from "../../domain/slo";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { checkReleasedTo, releasedEnvironments, requireServiceId } from "../require-service";
import { sloSelect, toSloSubject } from "./slo-row";

/**
 * Defines (or redefines, by service, environment and name) an SLO. A new one's service must have been
 * released to the environment: a misspelt one would judge no traffic and read healthy for ever. A latency
 * threshold must be one of the bucket bounds of the newest sample there (the service's, else a rollout's),
 * when there is one. Repeating the same definition changes nothing.
 */
export async function defineSlo(
  ctx: ServiceContext,
  actor: CommandActor,
  input: SloInput & { service: string; environment: string },
) {
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const serviceId = await requireServiceId(tx, input.service);
    const { environment } = input;
    const newest =
      (await tx.serviceSample.findFirst({
        where: { serviceId, environment },
        orderBy: { intervalEnd: "desc" },
        select: { latencyBoundsMs: true },
      })) ??
      (await tx.metricSample.findFirst({
        where: { rollout: { serviceId, release: { environment } } },
        orderBy: { intervalEnd: "desc" },
        select: { latencyBoundsMs: true },
      }));
    const definition = parseSloDefinition(input, newest?.latencyBoundsMs ?? null);
    const existing = await tx.slo.findUnique({
      where: { serviceId_environment_name: { serviceId, environment, name: definition.name } },
      select: sloSelect,
    });
    // An SLO that exists may be redefined wherever a migration placed it.
    if (!existing) {
      const known = (await releasedEnvironments(tx, [serviceId])).get(serviceId) ?? [];
      checkReleasedTo(input.service, environment, known);
    }
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
      : await tx.slo.create({ data: { ...definition, serviceId, environment }, select: sloSelect });
    const after = toSloSubject(saved);
    await recordAuditEvent(tx, {
      actor,
      action: existing ? "slo.redefined" : "slo.defined",
      targetType: "service",
      targetId: serviceId,
      reason: `SLO ${after.service}/${after.name} in ${environment}`,
      before: existing ? { slo: { ...toSloSubject(existing) } } : undefined,
      after: { slo: { ...after } },
      at: now,
    });
    return after;
  });
}
