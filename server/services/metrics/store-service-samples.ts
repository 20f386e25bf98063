import { AppError } from "../../domain/errors";
import { type ServiceSample, sampleProblems } from "../../domain/metrics/cohort-sample";
import type { ServiceContext } from "../context";

/**
 * Stores services' whole-traffic samples (what their SLOs judge), once per (service, environment, interval
 * end): an interval read again stores nothing, and its first reading stands, as for cohort samples. A
 * batch with an invalid sample or an unknown service is refused whole, naming the index and field.
 * Returns how many were new.
 */
export async function storeServiceSamples(ctx: ServiceContext, samples: ServiceSample[]): Promise<number> {
  const now = ctx.now().getTime();
  const problems = samples.flatMap((sample, index) =>
    sampleProblems(sample, now).map((problem) => `samples[${index}].${problem}`),
  );
  if (problems.length > 0) throw new AppError("BAD_INPUT", problems.join("; "), problems[0]?.split(":")[0]);
  const names = [...new Set(samples.map((s) => s.service))];
  const ids = new Map(
    (await ctx.db.service.findMany({ where: { name: { in: names } }, select: { id: true, name: true } })).map(
      (s) => [s.name, s.id],
    ),
  );
  const unknown = samples.findIndex((s) => !ids.has(s.service));
  if (unknown >= 0) {
    const field = `samples[${unknown}].service`;
    throw new AppError("NOT_FOUND", `${field}: no service named ${samples[unknown]?.service}`, field);
  }
  const { count } = await ctx.db.serviceSample.createMany({
    data: samples.map((s) => ({
      serviceId: ids.get(s.service) as string,
      environment: s.environment,
      intervalEnd: new Date(s.intervalEnd),
      intervalSeconds: s.intervalSeconds,
      requests: s.requests,
      errors: s.errors,
      latencyBoundsMs: [...s.latency.bounds],
      latencyCounts: [...s.latency.counts],
    })),
    skipDuplicates: true,
  });
  return count;
}
