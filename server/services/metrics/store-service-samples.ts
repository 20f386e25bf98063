import { AppError } from "../../domain/errors";
import { type ServiceSample, serviceOf } from "../../domain/metrics/cohort-sample";
import type { ServiceContext } from "../context";
import { checkReleasedTo, releasedEnvironments } from "../require-service";
import { type SampleLayout, sampleRows } from "./insert-sample-rows";
import { type IngestResult, refuseInvalidSamples, storeOnce } from "./store-once";

/**
 * Stores services' whole-traffic samples (what their SLOs judge), once per (service, environment, interval
 * end): a retried batch stores nothing twice, and a sample whose key is stored with other values is a
 * conflict naming the fields, not stored (the first reading stands). A batch with an invalid sample or an
 * unknown service is refused whole, naming the index and field. A batch of new samples costs three
 * statements (its services and their environments looked up, one multi-row insert), whatever its size;
 * one with samples already there, a fourth reading those back to compare.
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
  return storeOnce(samples, {
    kind: "service",
    whose: serviceOf,
    ...sampleRows(ctx.db, serviceRows(idOf, nameOf)),
  });
}

/** Service samples: one row per (service, environment, interval end) in ServiceSample, keyed by service id. */
function serviceRows(
  idOf: ReadonlyMap<string, string>,
  nameOf: ReadonlyMap<string, string>,
): SampleLayout<ServiceSample> {
  return {
    table: "ServiceSample",
    keyColumns: ["serviceId", "environment"],
    keyOf: (s) => [idOf.get(s.service) as string, s.environment],
    conversions: false,
    sampleOf: ([serviceId, environment], traffic) => ({
      service: nameOf.get(serviceId) as string,
      environment,
      ...traffic,
    }),
  };
}
