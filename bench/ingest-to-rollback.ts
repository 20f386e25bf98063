// Part of npm run bench:analysis — the time from the ingest (POST /api/v1/metrics) of a sample that fails
// a critical gate to the rollout reverted and the event delivered to a connected dashboard socket.
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { encode } from "next-auth/jwt";
import { io } from "socket.io-client";
import { createAuthOptions } from "../server/auth/auth-options";
import { createSessionRevocations } from "../server/auth/session-revocation";
import { createDb } from "../server/db/client";
import { defaultGates } from "../server/domain/analysis";
import { createRequestRouter } from "../server/http/request-router";
import { attachRealtime, type RoomEvent } from "../server/realtime/socket-server";
import { startRolloutScheduler } from "../server/scheduler/rollout-scheduler";
import { systemActor } from "../server/services/actors";
import { judgeStep } from "../server/services/analysis/judge-step";
import type { ServiceContext } from "../server/services/context";
import { registerDeploy } from "../server/services/deploys/register-deploy";
import { EventBus } from "../server/services/events/event-bus";
import { createRollout } from "../server/services/rollouts/create-rollout";
import { runRolloutCommand } from "../server/services/rollouts/run-rollout-command";
import { createApiToken } from "../server/services/tokens/create-api-token";
import { freePort } from "../server/testing/free-port";
import { percentiles, startBenchDatabase } from "./bench-stack";

const TRIALS = 60;
const BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
const SECRET = "bench-secret-bench-secret-bench-secret";

// The benchmark posts faster than a real pusher would; lift the per-token ingest limit for it.
process.env.SLUICE_RATE_METRICS_BURST ??= "100000";
process.env.SLUICE_RATE_METRICS_PER_MINUTE ??= "1000000";
const database = await startBenchDatabase();
const db = createDb(database.url);
// The benchmark moves time itself, so each trial's samples fall inside its step without waiting.
let clock = Date.now();
const services: ServiceContext = { db, events: new EventBus(), now: () => new Date(clock) };
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
  intervalMs: 3_600_000,
  onError: console.error,
});
const port = await freePort();
await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${port}`;

const admin = { id: "bench", name: "bench", role: "admin" as const };
const manager = { id: "bench", name: "bench", role: "release_manager" as const };
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

function sample(
  rolloutId: string,
  cohort: "baseline" | "canary",
  end: number,
  requests: number,
  errors: number,
) {
  const fast = Math.round(requests * 0.7);
  return {
    rolloutId,
    cohort,
    intervalEnd: end,
    intervalSeconds: 10,
    requests,
    errors,
    latency: { bounds: BOUNDS, counts: [0, 0, 0, fast, requests - fast, 0, 0, 0, 0, 0, 0] },
    conversions: null,
  };
}

const post = (body: unknown) =>
  fetch(`${base}/api/v1/metrics`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

const latencies: number[] = [];
try {
  for (let trial = 0; trial < TRIALS; trial++) {
    const service = `bench-${trial}`;
    await registerDeploy(services, systemActor("bench"), {
      service,
      environment: "prod",
      version: "1",
      artifact: "a",
    });
    const steps = [25, 50, 100].map((exposurePercent) => ({
      exposurePercent,
      holdSeconds: 600,
      requiresApproval: false,
      gates: defaultGates(),
    }));
    const { id } = await createRollout(services, manager, {
      service,
      environment: "prod",
      version: "1",
      mechanism: "canary",
      steps,
    });
    await runRolloutCommand(services, manager, id, { type: "start" });
    const started = clock;
    // Two healthy intervals (the first is warm-up), then one where the canary fails half its requests.
    for (const k of [1, 2]) {
      clock = started + k * 10_000;
      await post({
        samples: [sample(id, "baseline", clock, 3000, 15), sample(id, "canary", clock, 1000, 5)],
      });
    }
    await scheduler.settled();
    clock = started + 30_000;
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
    const response = await post({
      samples: [sample(id, "baseline", clock, 3000, 15), sample(id, "canary", clock, 1000, 500)],
    });
    if (response.status !== 200)
      throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
    latencies.push((await rolledBack) - sent);
    clock += 60_000;
  }
  const { median, p99 } = percentiles(latencies);
  console.log(
    `ingest of a failing sample → rolled back and delivered to a dashboard socket: median ${median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (${TRIALS} rollouts, target p99 < 250 ms)`,
  );
} finally {
  socket.close();
  await scheduler.stop();
  await realtime.close();
  sessions.close();
  await db.$disconnect();
  await database.stop();
}
