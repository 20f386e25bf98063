import { readFileSync } from "node:fs";
import { encode } from "next-auth/jwt";
import { io, type Socket } from "socket.io-client";
import { createDraft, issueToken, restClient, shortPlan } from "../e2e/instance-client";
import {
  instanceEnv,
  newDataDir,
  type ServerProcess,
  SHARED_SECRET,
  signalServer,
  startServer,
  startSharedDatabase,
} from "../e2e/server-process";
import { freePort } from "../server/testing/free-port";
import { percentiles } from "./bench-stack";

/**
 * Two production server processes on one PostgreSQL with SOCKETS dashboard sockets split between them:
 * the time from issuing a rollout command on instance A to its event arriving at every client, and
 * each instance's memory at rest and under the socket load. Prints figures; asserts nothing.
 */
const SOCKETS = Number(process.env.SOCKETS ?? 1000);
const EVENTS = Number(process.env.EVENTS ?? 20);

const rssMb = (server: ServerProcess) => {
  const line = readFileSync(`/proc/${server.child.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
  return Math.round(Number(line?.[1] ?? 0) / 1024);
};

async function connect(url: string, cookie: string, origin: string, rolloutId: string): Promise<Socket> {
  const socket = io(url, {
    transports: ["websocket"],
    reconnection: false,
    extraHeaders: { Cookie: cookie, Origin: origin },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  await socket.emitWithAck("subscribe", { rolloutId });
  return socket;
}

async function main() {
  const database = await startSharedDatabase(await freePort());
  const [portA, portB] = [await freePort(), await freePort()];
  const [urlA, urlB] = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
  const env = instanceEnv(database, urlA);
  const a = startServer(portA, newDataDir("bench-a"), env);
  await a.up;
  const b = startServer(portB, newDataDir("bench-b"), env);
  await b.up;
  const sockets: Socket[] = [];
  try {
    const rest = restClient(urlA, await issueToken(database.url));
    const id = await createDraft(rest, "bench-scale", shortPlan([5, 50, 100], 3600));
    await rest("POST", `/rollouts/${id}/start`, {});
    await new Promise((r) => setTimeout(r, 2_000));
    const atRest = [rssMb(a), rssMb(b)];

    const token = await encode({
      secret: SHARED_SECRET,
      maxAge: 3600,
      token: { sub: "bench", name: "bench", role: "viewer" },
    });
    const cookie = `next-auth.session-token=${token}`;
    for (let i = 0; i < SOCKETS; i += 50) {
      const batch = Array.from({ length: Math.min(50, SOCKETS - i) }, (_, j) =>
        connect((i + j) % 2 === 0 ? urlA : urlB, cookie, urlA, id),
      );
      sockets.push(...(await Promise.all(batch)));
    }
    const underLoad = [rssMb(a), rssMb(b)];

    const latencies: number[] = [];
    const commandMs: number[] = [];
    for (let e = 0; e < EVENTS; e++) {
      const type = e % 2 === 0 ? "pause" : "resume";
      const state = type === "pause" ? "paused" : "running";
      const sent = performance.now();
      const delivered = sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            const onChange = (event: { rolloutId: string; state: string }) => {
              if (event.rolloutId !== id || event.state !== state) return;
              latencies.push(performance.now() - sent);
              socket.off("rollout.changed", onChange);
              resolve();
            };
            socket.on("rollout.changed", onChange);
          }),
      );
      const reply = await rest(
        "POST",
        `/rollouts/${id}/${type}`,
        type === "pause" ? { reason: "bench" } : {},
      );
      commandMs.push(performance.now() - sent);
      if (reply.status !== 200) throw new Error(`${type}: ${JSON.stringify(reply)}`);
      await Promise.all(delivered);
    }
    const delivery = percentiles(latencies);
    const command = percentiles(commandMs);
    console.log(`${SOCKETS} sockets over 2 instances, ${EVENTS} rollout events issued on instance A`);
    console.log(
      `command → event at every client: median ${delivery.median.toFixed(1)} ms, p99 ${delivery.p99.toFixed(1)} ms` +
        ` (the command's own round trip: median ${command.median.toFixed(1)} ms, p99 ${command.p99.toFixed(1)} ms)`,
    );
    console.log(`memory (RSS) at rest: A ${atRest[0]} MB, B ${atRest[1]} MB`);
    console.log(`memory (RSS) with the sockets: A ${underLoad[0]} MB, B ${underLoad[1]} MB`);
  } finally {
    for (const socket of sockets) socket.close();
    await signalServer(a, "SIGTERM");
    await signalServer(b, "SIGTERM");
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
