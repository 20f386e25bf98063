// Part of npm run bench:analysis — the time from the ingest (POST /api/v1/metrics) of a sample that fails
// a critical gate to the rollout reverted and the event delivered to a connected dashboard socket, while
// the engine runs as in production (a beat every second) over 1,000 other holding rollouts, each sent an
// interval every 10 s through the same API (BENCH_BACKGROUND_ROLLOUTS to change; 0 for an idle engine).
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { encode } from "next-auth/jwt";
import { io } from "socket.io-client";
import { createAuthOptions } from "../server/auth/auth-options";
import { createSessionRevocations } from "../server/auth/session-revocation";
import { createDb } from "../server/db/client";
import { createRequestRouter } from "../server/http/request-router";
import { attachRealtime, type RoomEvent } from "../server/realtime/socket-server";
import { startRolloutScheduler } from "../server/scheduler/rollout-scheduler";
import { judgeStep } from "../server/services/analysis/judge-step";
import type { ServiceContext } from "../server/services/context";
import { EventBus } from "../server/services/events/event-bus";
import { createApiToken } from "../server/services/tokens/create-api-token";
import { freePort } from "../server/testing/free-port";
import { benchInterval, startCanaryRollout } from "./bench-rollouts";
import { percentiles, startBenchDatabase } from "./bench-stack";

const TRIALS = 120;
const BACKGROUND = Number(process.env.BENCH_BACKGROUND_ROLLOUTS ?? 1000);
const INTERVAL_MS = 10_000;
const SECRET = "bench-secret-bench-secret-bench-secret";

// The background pushes 200 samples a second on one token; lift the per-token ingest limit for it.
process.env.SLUICE_RATE_METRICS_BURST ??= "100000";
process.env.SLUICE_RATE_METRICS_PER_MINUTE ??= "1000000";
const database = await startBenchDatabase();
const db = createDb(database.url);
const services: ServiceContext = { db, events: new EventBus(), now: () => new Date() };
const sessions = createSessionRevocations({ db, events: services.events });
const router = createRequestRouter({
  services,
  authOptions: createAuthOptions(services, SECRET, { sessions }),
  secret: SECRET,
  sessions,
  nextHandler: (_req, res) => void res.writeHead(404).end(),
  log: (line) => console.error(line),
});
const server = createServer((req, res) => void router(req, res));
const realtime = attachRealtime(server, { secret: SECRET, sessions, events: services.events, db });
const scheduler = startRolloutScheduler(services, {
  judge: judgeStep,
  intervalMs: 1000,
  onError: console.error,
});
const port = await freePort();
await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${port}`;

const admin = { id: "bench", name: "bench", role: "admin" as const };
const { secret: token } = await createApiToken(services, admin, { name: "bench", scopes: ["metrics:write"] });
const session = await encode({ secret: SECRET, token: { sub: "viewer", name: "viewer", role: "viewer" } });
const socket = io(base, {
  transports: ["websocket"],
  extraHeaders: { cookie: `next-auth.session-token=${session}` },
});
await new Promise<void>((resolve, reject) => {
  socket.on("connect", resolve);
  socket.on("connect_error", reject);
});
socket.emit("subscribe", "overview");

async function post(samples: unknown[]) {
  const response = await fetch(`${base}/api/v1/metrics`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ samples }),
  });
  if (response.status !== 200)
    throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
}

async function holdingSince(id: string): Promise<number> {
  for (;;) {
    const row = await db.rollout.findUniqueOrThrow({
      where: { id },
      select: { phase: true, stepStartedAt: true },
    });
    if (row.phase === "holding" && row.stepStartedAt) return row.stepStartedAt.getTime();
    await sleep(50);
  }
}

const background: string[] = [];
let pushing: NodeJS.Timeout | undefined;
const latencies: number[] = [];
try {
  for (let i = 0; i < BACKGROUND; i++)
    background.push(await startCanaryRollout(services, `background-${i}`, 3600));
  // Every second a tenth of the background rollouts report the interval that just ended.
  let second = 0;
  pushing = setInterval(() => {
    const slot = second++ % 10;
    const end = Math.floor(Date.now() / 1000) * 1000;
    const due = background.filter((_, i) => i % 10 === slot);
    post(due.flatMap((id) => benchInterval(id, end, INTERVAL_MS / 1000))).catch(console.error);
  }, 1000);
  // Every background rollout is holding and has been judged on its own samples before the trials start.
  while ((await db.rollout.count({ where: { phase: "holding" } })) < BACKGROUND) {
    await sleep(500);
  }
  if (BACKGROUND > 0) await sleep(2 * INTERVAL_MS);

  for (let trial = 0; trial < TRIALS; trial++) {
    const id = await startCanaryRollout(services, `trial-${trial}`, 600);
    const started = await holdingSince(id);
    // Two healthy intervals (the first is warm-up), then one where the canary fails half its requests.
    await post(benchInterval(id, started + INTERVAL_MS, INTERVAL_MS / 1000));
    await post(benchInterval(id, started + 2 * INTERVAL_MS, INTERVAL_MS / 1000));
    await scheduler.settled();
    const rolledBack = new Promise<number>((resolve) => {
      const onChange = (event: RoomEvent) => {
        if (event.name !== "rollout.changed") return;
        if (event.payload.rolloutId === id && event.payload.state === "rolled_back") {
          socket.off("room.event", onChange);
          resolve(performance.now());
        }
      };
      socket.on("room.event", onChange);
    });
    const sent = performance.now();
    await post(benchInterval(id, started + 3 * INTERVAL_MS, INTERVAL_MS / 1000, 500));
    latencies.push((await rolledBack) - sent);
  }
  const { median, p99 } = percentiles(latencies);
  const load =
    BACKGROUND > 0
      ? `, beside ${BACKGROUND.toLocaleString("en-US")} holding rollouts each sending an interval every 10 s and a beat every second`
      : ", the engine otherwise idle";
  console.log(
    `ingest of a failing sample → rolled back and delivered to a dashboard socket: median ${median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (${TRIALS} rollouts${load}; target p99 < 250 ms)`,
  );
} finally {
  clearInterval(pushing);
  socket.close();
  await scheduler.stop();
  await realtime.close();
  sessions.close();
  await db.$disconnect();
  await database.stop();
}
