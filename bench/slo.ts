// npm run bench:slo — what SLOs cost on PostgreSQL: one slo-watch beat (every SLO's eight windows
// summed, judged, the judgement stored, the plan carried out) and one read of the SLOs page, for
// BENCH_SERVICES services (default 100) with an availability and a latency SLO each and BENCH_DAYS
// (default 30) of whole-traffic samples at one a minute, the SLO window's worth; and the sample retention's
// prune of that table.
import { performance } from "node:perf_hooks";
import { createDb } from "../server/db/client";
import { systemActor } from "../server/services/actors";
import type { ServiceContext } from "../server/services/context";
import { registerDeploy } from "../server/services/deploys/register-deploy";
import { EventBus } from "../server/services/events/event-bus";
import { pruneSamples } from "../server/services/metrics/prune-samples";
import { defineSlo } from "../server/services/slo/define-slo";
import { evaluateSlos } from "../server/services/slo/evaluate-slos";
import { listSlos } from "../server/services/slo/list-slos";
import { loadSloCounts } from "../server/services/slo/load-slo-counts";
import { LongWindowSums } from "../server/services/slo/long-window-sums";
import { sloSelect } from "../server/services/slo/slo-row";
import { percentiles, startBenchDatabase } from "./bench-stack";

const SERVICES = Number(process.env.BENCH_SERVICES ?? 100);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const RUNS = 5;

const database = await startBenchDatabase();
const db = createDb(database.url);
const services: ServiceContext = { db, events: new EventBus(), now: () => new Date() };

async function timed(run: () => Promise<unknown>, runs = RUNS): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    durations.push(performance.now() - started);
  }
  return durations;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

try {
  const manager = systemActor("bench");
  for (let i = 0; i < SERVICES; i++) {
    const service = `svc-${i}`;
    await registerDeploy(services, manager, {
      service,
      environment: "production",
      version: "1.0.0",
      artifact: `${service}:1.0.0`,
    });
    await defineSlo(services, manager, {
      service,
      environment: "production",
      name: "availability",
      kind: "availability",
      objective: 0.999,
    });
    await defineSlo(services, manager, {
      service,
      environment: "production",
      name: "latency-250ms",
      kind: "latency",
      objective: 0.99,
      latencyThresholdMs: 250,
    });
  }
  // Generated in PostgreSQL: one sample a minute per service, 0.05% errors, 1.5% slower than 250 ms.
  const started = performance.now();
  await db.$executeRaw`
    INSERT INTO "ServiceSample" ("serviceId", "environment", "intervalEnd", "intervalSeconds", "requests",
      "errors", "latencyBoundsMs", "latencyCounts")
    SELECT s."id", 'production', (now() AT TIME ZONE 'UTC') - make_interval(mins => m), 60, 12000, 6,
      '{50,100,250,500}', '{5000,4000,2820,160,20}'
    FROM "Service" s, generate_series(0, ${DAYS * 24 * 60 - 1}::int) AS m`;
  const rows = await db.serviceSample.count();
  console.log(
    `${SERVICES} services, ${SERVICES * 2} SLOs, ${rows.toLocaleString("en")} service samples ` +
      `(${DAYS} days, one a minute) written in ${ms(performance.now() - started)}`,
  );
  // As autovacuum leaves an insert-only table in steady state: statistics and the visibility map (for
  // index-only scans) up to date.
  await db.$executeRawUnsafe('VACUUM ANALYZE "ServiceSample"');

  // One SLO's eight windows summed over its 30 days of samples, by kind.
  const [availability, latency] = await Promise.all(
    ["availability", "latency-250ms"].map((name) =>
      db.slo.findFirstOrThrow({ where: { name, service: { name: "svc-0" } }, select: sloSelect }),
    ),
  );
  for (const slo of [availability, latency]) {
    if (!slo) continue;
    const counts = percentiles(await timed(() => loadSloCounts(db, slo.serviceId, slo as never, new Date())));
    console.log(`one ${slo.kind} SLO's counts: median ${ms(counts.median)}, p95 ${ms(counts.p95)}`);
  }

  const beat = percentiles(await timed(() => evaluateSlos(services, { all: true }), 3));
  console.log(
    `slo-watch beat (every SLO judged, four services at once): median of 3 ${ms(beat.median)} ` +
      `(${((SERVICES * 2) / (beat.median / 1000)).toFixed(1)} SLOs/s)`,
  );
  // slo-watch keeps the sums over a day or more for five minutes: its other beats sum 6 hours at most.
  const longSums = new LongWindowSums();
  await evaluateSlos(services, { all: true }, longSums);
  const reusing = percentiles(await timed(() => evaluateSlos(services, { all: true }, longSums), 3));
  console.log(
    `slo-watch beat reusing the long windows' sums (9 beats in 10): median of 3 ${ms(reusing.median)} ` +
      `(${((SERVICES * 2) / (reusing.median / 1000)).toFixed(1)} SLOs/s)`,
  );
  // The page shows the judgements the beat stored with each SLO: it sums no samples.
  const page = percentiles(await timed(() => listSlos(services)));
  console.log(
    `SLOs page read (every SLO as slo-watch judged it): median ${ms(page.median)}, p95 ${ms(page.p95)}`,
  );

  // Retention: nothing to prune while every sample is inside the SLOs' 30-day windows; then the SLOs
  // shrink to 7-day windows and the first prune deletes everything older than a week.
  const [idle] = await timed(() => pruneSamples(services, 7), 1);
  console.log(`sample retention with nothing to prune: ${ms(idle ?? 0)}`);
  await db.slo.updateMany({ data: { windowDays: 7 } });
  let pruned = 0;
  const [prune] = await timed(async () => {
    pruned = (await pruneSamples(services, 7)).service;
  }, 1);
  console.log(
    `sample retention, first prune to 7 days: ${pruned.toLocaleString("en")} service samples in ${ms(prune ?? 0)}`,
  );
} finally {
  await db.$disconnect();
  await database.stop();
}
