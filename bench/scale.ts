// `npm run bench:scale`: two real Sluice instances (`server/start.ts`, production build) on one
// PostgreSQL, measured from outside as a load balancer's clients would see them. Prints figures; not a test.
//  1. 1,000 dashboard sockets, half on each instance, in the overview room, ten commands a second to
//     instance A: from each rollout.changed event's publish (its `at`, stamped by the server before the
//     event is numbered) to its delivery at every client, and from the command's request to the same.
//     First the same clients and events against bare socket.io with the PostgreSQL adapter, the yardstick.
//  2. Sustained metric ingest (POST /api/v1/metrics) at rising concurrency until it saturates.
//  3. Exposure reads (GET /api/v1/exposure/{service}) with and without ETag revalidation.
//  4. Resident memory of each instance at rest and under the socket load.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { encode } from "next-auth/jwt";
import { newDataDir, type ServerProcess, startServer } from "../e2e/server-process";
import { createDb } from "../server/db/client";
import { EventBus } from "../server/services/events/event-bus";
import { createApiToken } from "../server/services/tokens/create-api-token";
import { freePort } from "../server/testing/free-port";
import { BARE_ROLLOUT_ID, type BareSocketServer, startBareSocketServer } from "./bare-socket-server";
import { percentiles, startBenchDatabase } from "./bench-stack";
import { type Arrival, connectDashboardClients } from "./dashboard-clients";
import { httpRequest, runLoad } from "./http-load";

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1_000);
/** Processes the dashboard clients run in (dashboard-clients.ts says why more than one). */
const CLIENT_PROCESSES = Number(process.env.BENCH_CLIENT_PROCESSES ?? 2);
// 300, not 100: a command's 1,000 deliveries arrive together, so the p99 of 100 commands is set by the
// slowest one or two of them and moved by 20 ms from run to run.
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 300);
// Sent first and not counted: a fresh process's first commands and emits run cold (JIT, first queries)
// and take up to 200 ms, which would set the p99 of a steady state they are not part of.
const WARM_UP_COMMANDS = 50;
const COMMANDS_PER_SECOND = 10;
const INGEST_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const INGEST_BATCH = 100;
const INGEST_MAX_CONCURRENCY = 128;
const SERVICE = "checkout-api";

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Resident memory of a process, MiB (Linux). */
function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Runs `step` `count` times at `perSecond`, on a fixed schedule whatever each step's own time (a slow
 * one is followed at once). */
async function onSchedule(count: number, perSecond: number, step: (index: number) => Promise<void> | void) {
  const from = Date.now();
  for (let index = 0; index < count; index++) {
    await step(index);
    await sleep(Math.max(0, from + ((index + 1) * 1000) / perSecond - Date.now()));
  }
}

/** From each event's publish stamp to its arrival, per instance (client n is on instance n % 2). */
const deliveriesByInstance = (arrivals: Arrival[]) => {
  const byInstance: number[][] = [[], []];
  for (const [client, , arrived, published] of arrivals) byInstance[client % 2]?.push(arrived - published);
  return byInstance;
};

/** The same clients and events against bare socket.io with the PostgreSQL adapter: the yardstick. */
async function measureBareSocketIo(
  databaseUrl: string,
): Promise<{ delivered: number; deliveries: number[][] }> {
  const servers = [
    await startBareSocketServer(databaseUrl, await freePort()),
    await startBareSocketServer(databaseUrl, await freePort()),
  ];
  try {
    const [a] = servers as [BareSocketServer];
    const plan = { urls: servers.map((s) => s.url), cookie: "", rolloutId: BARE_ROLLOUT_ID };
    const clients = await connectDashboardClients(plan, SOCKETS, CLIENT_PROCESSES);
    await sleep(1_000);
    await onSchedule(WARM_UP_COMMANDS + COMMANDS, COMMANDS_PER_SECOND, (index) => a.emit(index + 1));
    await sleep(2_000);
    const arrivals = (await clients.collect()).filter(([, version]) => version > WARM_UP_COMMANDS);
    return { delivered: arrivals.length, deliveries: deliveriesByInstance(arrivals) };
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function main() {
  const database = await startBenchDatabase();
  const bare = await measureBareSocketIo(database.url);
  const secret = randomBytes(32).toString("hex");
  const env = {
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: secret,
    // No simulator: the only traffic is the benchmark's own.
    SLUICE_METRICS_SOURCE: "push",
    SLUICE_RATE_API_BURST: "1000000",
    SLUICE_RATE_API_PER_MINUTE: "1000000",
    SLUICE_RATE_METRICS_BURST: "1000000",
    SLUICE_RATE_METRICS_PER_MINUTE: "1000000",
  };
  const instances: ServerProcess[] = [];
  const urls: string[] = [];
  // One after the other: the first seeds the demo, the second finds it seeded.
  for (const name of ["a", "b"]) {
    const port = await freePort();
    const instance = startServer(port, newDataDir(`scale-${name}`), env);
    instances.push(instance);
    await instance.up;
    urls.push(`http://127.0.0.1:${port}`);
  }
  const [a] = urls as [string, string];
  const pids = instances.map((i) => i.child.pid as number);
  const db = createDb(database.url);
  try {
    const admin = await db.user.findFirstOrThrow({ where: { role: "admin" } });
    const viewer = await db.user.findFirstOrThrow({ where: { role: "viewer" } });
    const rollout = await db.rollout.findFirstOrThrow({ where: { service: { name: SERVICE } } });
    const services = { db, events: new EventBus(), now: () => new Date() };
    const { secret: token } = await createApiToken(
      services,
      { ...admin, role: "admin" },
      { name: "bench-scale", scopes: ["read", "rollouts:write", "metrics:write"] },
    );
    const auth = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${a}/api/v1${path}`, {
        method,
        headers: auth,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response;
    };
    await sleep(2_000);
    const memoryAtRest = pids.map(rssMiB);

    // 1. Sockets.
    const sessionToken = await encode({
      secret,
      token: { sub: viewer.id, name: viewer.name, role: "viewer" },
      maxAge: 3600,
    });
    const clients = await connectDashboardClients(
      { urls, cookie: `next-auth.session-token=${sessionToken}`, rolloutId: rollout.id },
      SOCKETS,
      CLIENT_PROCESSES,
    );
    await sleep(1_000);
    // Each command notes when it was sent and which version it made; each client, when each version
    // reached it and when the server published it. Matching by version, a late event still counts.
    const sentAt = new Map<number, number>();
    const roundTrips: number[] = [];
    await onSchedule(WARM_UP_COMMANDS + COMMANDS, COMMANDS_PER_SECOND, async (index) => {
      const at = Date.now();
      const response = await api(
        "POST",
        `/rollouts/${rollout.id}/${index % 2 === 0 ? "pause" : "resume"}`,
        {},
      );
      if (index < WARM_UP_COMMANDS) return;
      roundTrips.push(Date.now() - at);
      sentAt.set(((await response.json()) as { rollout: { version: number } }).rollout.version, at);
    });
    await sleep(2_000);
    const memoryUnderSockets = pids.map(rssMiB);
    const arrivals = (await clients.collect()).filter(([, version]) => sentAt.has(version));
    const deliveries = deliveriesByInstance(arrivals);
    // From the command's request, per instance.
    const latencies: number[][] = [[], []];
    for (const [client, version, arrived] of arrivals) {
      latencies[client % 2]?.push(arrived - (sentAt.get(version) as number));
    }
    const all = [...(latencies[0] ?? []), ...(latencies[1] ?? [])];
    const allDeliveries = [...(deliveries[0] ?? []), ...(deliveries[1] ?? [])];
    const expected = COMMANDS * SOCKETS;

    // 2. Ingest, at rising concurrency, a batch of INGEST_BATCH samples per request.
    let batchNumber = 0;
    // Intervals long before the rollout's steps: stored and counted, never judged.
    const firstInterval = rollout.createdAt.getTime() - 365 * 24 * 3600_000;
    const batch = () => {
      const base = firstInterval + batchNumber++ * (INGEST_BATCH / 2) * 10_000;
      return {
        samples: Array.from({ length: INGEST_BATCH }, (_, k) => ({
          rolloutId: rollout.id,
          cohort: k % 2 === 0 ? "baseline" : "canary",
          intervalEnd: base + Math.floor(k / 2) * 10_000,
          intervalSeconds: 10,
          requests: 1_000,
          errors: 3,
          latency: { bounds: [50, 100, 250, 500, 1000], counts: [600, 250, 100, 40, 8, 2] },
          conversions: { successes: 30, trials: 100 },
        })),
      };
    };
    const ingest: { concurrency: number; samplesPerSecond: number; p50: number; p99: number }[] = [];
    // The machine may be shared: the 1-minute load average says how much of it the figures had.
    const ingestLoad = loadavg()[0] ?? 0;
    // Doubling the callers until throughput stops growing: saturated once a level adds under 10%.
    for (let concurrency = 1; concurrency <= INGEST_MAX_CONCURRENCY; concurrency *= 2) {
      const durations: number[] = [];
      const deadline = performance.now() + INGEST_SECONDS * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < deadline) {
            const body = batch();
            const at = performance.now();
            await api("POST", "/metrics", body);
            durations.push(performance.now() - at);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const best = Math.max(0, ...ingest.map((r) => r.samplesPerSecond));
      ingest.push({
        concurrency,
        samplesPerSecond: (durations.length * INGEST_BATCH) / seconds,
        ...(({ median, p99 }) => ({ p50: median, p99 }))(percentiles(durations)),
      });
      if (concurrency >= 16 && (ingest.at(-1)?.samplesPerSecond ?? 0) < best * 1.1) break;
    }

    // 3. Exposure reads.
    const exposureLoad = loadavg()[0] ?? 0;
    const path = `/api/v1/exposure/${SERVICE}`;
    const etag = (await api("GET", `/exposure/${SERVICE}`)).headers.get("etag") ?? "";
    const read = (headers: Record<string, string>, status: number) =>
      runLoad({
        url: a,
        requests: [httpRequest("GET", a, path, { Authorization: `Bearer ${token}`, ...headers })],
        seconds: INGEST_SECONDS,
        maxRequests: 1_000_000,
        connections: 16,
        expectStatus: [status],
      });
    const full = await read({}, 200);
    const revalidated = await read({ "If-None-Match": etag }, 304);

    console.log(
      `\nTwo Sluice instances on one PostgreSQL (embedded 18), loopback, ${process.env.BENCH_LABEL ?? ""}`,
    );
    const figures = (values: number[]) => {
      const p = percentiles(values);
      return `median ${fmt(p.median, 1)} ms, p95 ${fmt(p.p95, 1)} ms, p99 ${fmt(p.p99, 1)} ms`;
    };
    const byInstance = (values: number[][]) =>
      `A (same instance) ${figures(values[0] ?? [])}; B (through the PostgreSQL adapter) ${figures(values[1] ?? [])}`;
    console.log(
      `\nCommand on instance A → rollout.changed at ${SOCKETS} dashboard sockets (half on each instance, ` +
        `clients in ${CLIENT_PROCESSES} processes), ${COMMANDS} commands at ${COMMANDS_PER_SECOND}/s ` +
        `after ${WARM_UP_COMMANDS} not counted; ` +
        `delivered ${fmt(all.length)} of ${fmt(expected)}`,
    );
    console.log(
      `  event → delivery at every client (from the server's publish stamp): ${figures(allDeliveries)}`,
    );
    console.log(`    clients on ${byInstance(deliveries)}`);
    console.log(
      `  bare socket.io + PostgreSQL adapter, same clients, ${COMMANDS} emits at ${COMMANDS_PER_SECOND}/s on A ` +
        `(delivered ${fmt(bare.delivered)}): ${figures(bare.deliveries.flat())}`,
    );
    console.log(`    clients on ${byInstance(bare.deliveries)}`);
    console.log(`  request → delivery at every client (from the command's request): ${figures(all)}`);
    console.log(`    clients on ${byInstance(latencies)}`);
    console.log(`  the command's own HTTP round trip (transaction, audit): ${figures(roundTrips)}`);
    console.log(
      `\nIngest, ${INGEST_BATCH} samples per request, ${INGEST_SECONDS} s per level (instance A), ` +
        `load average ${fmt(ingestLoad, 1)} before:`,
    );
    for (const r of ingest) {
      console.log(
        `  ${String(r.concurrency).padStart(2)} concurrent: ${fmt(r.samplesPerSecond).padStart(7)} samples/s, ` +
          `p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms`,
      );
    }
    console.log(
      `\nExposure reads, 16 keep-alive connections, ${INGEST_SECONDS} s (instance A), ` +
        `load average ${fmt(exposureLoad, 1)} before:`,
    );
    for (const [name, r] of [
      ["200 with body", full],
      ["304 If-None-Match", revalidated],
    ] as const) {
      console.log(
        `  ${name.padEnd(18)} ${fmt(r.requests / r.seconds).padStart(7)} req/s, p50 ${fmt(r.p50, 2)} ms, ` +
          `p99 ${fmt(r.p99, 2)} ms, failures ${r.failures}`,
      );
    }
    console.log("\nResident memory per instance (MiB):");
    console.log(`  at rest: A ${fmt(memoryAtRest[0] ?? 0)}, B ${fmt(memoryAtRest[1] ?? 0)}`);
    console.log(
      `  with ${SOCKETS / 2} sockets each: A ${fmt(memoryUnderSockets[0] ?? 0)}, B ${fmt(memoryUnderSockets[1] ?? 0)}`,
    );
  } finally {
    await db.$disconnect();
    for (const instance of instances) {
      instance.child.kill("SIGTERM");
      await instance.exited;
    }
    await database.stop();
  }
}

await main();
