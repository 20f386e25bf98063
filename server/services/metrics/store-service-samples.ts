import { AppError } from "../../domain/errors";
import { type ServiceSample, serviceOf } from "../../domain/metrics/cohort-sample";
import type { ServiceContext } from "../context";
import { checkReleasedTo, releasedEnvironments } from "../require-service";
import { type IngestResult, refuseInvalidSamples, storeOnce } from "./store-once";

/**
 * Stores services' whole-traffic samples (what their SLOs judge), once per (service, environment, interval
 * end): a retried batch stores nothing twice, and a sample whose key is stored with other values is a
 * conflict naming the fields, not stored (the first reading stands). A batch with an invalid sample or an
 * unknown service is refused whole, naming the index and field.
 */
export async function storeServiceSamples(
  ctx: ServiceContext,
  samples: ServiceSample[],
): Promise<IngestResult> {
  refuseInvalidSamples(samples, ctx.now());
  const names = [...new Set(samples.map((s) => s.service))];
  const services = await ctx.db.service.findMany({
    where: { name: { in: names } },
    select: { id: true, name: true },
  });
  const idOf = new Map(services.map((s) => [s.name, s.id]));
  const nameOf = new Map(services.map((s) => [s.id, s.name]));
  const unknown = samples.findIndex((s) => !idOf.has(s.service));
  if (unknown >= 0) {
    const field = `samples[${unknown}].service`;
    throw new AppError("NOT_FOUND", `${field}: no service named ${samples[unknown]?.service}`, field);
  }
  const released = await releasedEnvironments(ctx.db, [...nameOf.keys()]);
  samples.forEach((s, index) => {
    const known = released.get(idOf.get(s.service) as string) ?? [];
    checkReleasedTo(s.service, s.environment, known, `samples[${index}].environment`);
  });
  const keyOf = (s: { serviceId: string; environment: string; intervalEnd: Date }) =>
    `${nameOf.get(s.serviceId)}|${s.environment}|${s.intervalEnd.getTime()}`;
  const row = (s: ServiceSample) => ({
    serviceId: idOf.get(s.service) as string,
    environment: s.environment,
    intervalEnd: new Date(s.intervalEnd),
  });
  return storeOnce<ServiceSample>(samples, {
    kind: "service",
    key: (s) => `${s.service}|${s.environment}|${s.intervalEnd}`,
    whose: serviceOf,
    async insert(batch) {
      const stored = await ctx.db.serviceSample.createManyAndReturn({
        data: batch.map((s) => ({
          ...row(s),
          intervalSeconds: s.intervalSeconds,
          requests: s.requests,
          errors: s.errors,
          latencyBoundsMs: [...s.latency.bounds],
          latencyCounts: [...s.latency.counts],
        })),
        skipDuplicates: true,
        select: { serviceId: true, environment: true, intervalEnd: true },
      });
      return stored.map(keyOf);
    },
    async load(batch) {
      const rows = await ctx.db.serviceSample.findMany({ where: { OR: batch.map(row) } });
      return rows.map((r) => ({
        service: nameOf.get(r.serviceId) as string,
        environment: r.environment,
        intervalEnd: r.intervalEnd.getTime(),
        intervalSeconds: r.intervalSeconds,
        requests: r.requests,
        errors: r.errors,
        latency: { bounds: r.latencyBoundsMs, counts: r.latencyCounts },
      }));
    },
  });
}
