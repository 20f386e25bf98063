// `npm run bench:scale`: two real Sluice instances (`server/start.ts`, production build) on one
// PostgreSQL, measured from outside as a load balancer's clients would see them. Prints figures; not a test.
//  1. 1,000 dashboard sockets, half on each instance, in the overview room, ten commands a second to
//     instance A: from each rollout.changed event's publish (its `at`, stamped by the server before the
//     event is numbered) to its delivery at every client, and from the command's request to the same.
//  2. Sustained metric ingest (POST /api/v1/metrics) at rising concurrency until it saturates.
//  3. Exposure reads (GET /api/v1/exposure/{service}) with and without ETag revalidation.
//  4. Resident memory of each instance at rest and under the socket load.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { encode } from "next-auth/jwt";
import { io, type Socket } from "socket.io-client";
import { newDataDir, type ServerProcess, startServer } from "../e2e/server-process";
import { createDb } from "../server/db/client";
import type { RoomEvent } from "../server/realtime/event-journal";
import { EventBus } from "../server/services/events/event-bus";
import { createApiToken } from "../server/services/tokens/create-api-token";
import { freePort } from "../server/testing/free-port";
import { percentiles, startBenchDatabase } from "./bench-stack";
import { httpRequest, runLoad } from "./http-load";

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1_000);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 100);
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

async function connectSockets(urls: string[], cookie: string): Promise<Socket[]> {
  const sockets: Socket[] = [];
  // In batches, as dashboards would arrive, not as one thundering herd of handshakes.
  for (let i = 0; i < SOCKETS; i += 50) {
    const batch = Array.from({ length: Math.min(50, SOCKETS - i) }, (_, k) => {
      // forceNew: one connection per client; socket.io-client would otherwise multiplex them all.
      const socket = io(urls[(i + k) % urls.length], {
        transports: ["websocket"],
        extraHeaders: { Cookie: cookie },
        forceNew: true,
        reconnection: false,
      });
      return new Promise<Socket>((resolve, reject) => {
        socket.once("connect_error", reject);
        socket.once("connect", () =>
          socket.emit("subscribe", "overview", (ack: { ok: boolean; error?: string }) =>
            ack.ok ? resolve(socket) : reject(new Error(ack.error)),
          ),
        );
      });
    });
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

async function main() {
  const database = await startBenchDatabase();
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
    const sockets = await connectSockets(urls, `next-auth.session-token=${sessionToken}`);
    // Each client notes when each version of the rollout reached it, and when the server published it;
    // each command notes when it was sent and which version it made. Matching by version, a late event
    // still counts against its command. Date.now(), as the servers stamp `at`: the same machine's clock
    // and the same whole milliseconds.
    const epochNow = Date.now;
    const arrivals = sockets.map(() => new Map<number, { arrived: number; published: number }>());
    sockets.forEach((socket, n) => {
      socket.on("room.event", (event: RoomEvent) => {
        if (event.name === "rollout.changed" && event.payload.rolloutId === rollout.id) {
          arrivals[n]?.set(event.payload.version, { arrived: epochNow(), published: event.at });
        }
      });
    });
    await sleep(1_000);
    const sentAt = new Map<number, number>();
    const roundTrips: number[] = [];
    const commandsFrom = epochNow();
    for (let index = 0; index < COMMANDS; index++) {
      const at = epochNow();
      const response = await api(
        "POST",
        `/rollouts/${rollout.id}/${index % 2 === 0 ? "pause" : "resume"}`,
        {},
      );
      roundTrips.push(epochNow() - at);
      sentAt.set(((await response.json()) as { rollout: { version: number } }).rollout.version, at);
      // On a fixed schedule, whatever each command's own time (a slow one is followed at once).
      await sleep(Math.max(0, commandsFrom + ((index + 1) * 1000) / COMMANDS_PER_SECOND - epochNow()));
    }
    await sleep(2_000);
    const memoryUnderSockets = pids.map(rssMiB);
    for (const socket of sockets) socket.disconnect();
    // Per instance (clients alternate A, B): from the request, and from the event's publish.
    const latencies: number[][] = [[], []];
    const deliveries: number[][] = [[], []];
    arrivals.forEach((seen, n) => {
      for (const [version, { arrived, published }] of seen) {
        const sent = sentAt.get(version);
        if (sent === undefined) continue;
        latencies[n % 2]?.push(arrived - sent);
        deliveries[n % 2]?.push(arrived - published);
      }
    });
    const all = [...(latencies[0] ?? []), ...(latencies[1] ?? [])];
    const allDeliveries = [...(deliveries[0] ?? []), ...(deliveries[1] ?? [])];
    const expected = COMMANDS * sockets.length;

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
      `\nCommand on instance A → rollout.changed at ${sockets.length} dashboard sockets (half on each instance), ` +
        `${COMMANDS} commands at ${COMMANDS_PER_SECOND}/s; delivered ${fmt(all.length)} of ${fmt(expected)}`,
    );
    console.log(
      `  event → delivery at every client (from the server's publish stamp): ${figures(allDeliveries)}`,
    );
    console.log(`    clients on ${byInstance(deliveries)}`);
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
