// Dashboard sockets for `npm run bench:scale`, spread over child processes. Real dashboards are separate
// browsers; 1,000 clients in one Node process decode their copies of an event one after another (~40 µs
// each), so the last copy would wait ~40 ms behind the other 999 and the figure would mostly measure
// the harness. Each process notes, per client, when each version of the watched rollout arrived.
import { type ChildProcess, spawn } from "node:child_process";
import { io, type Socket } from "socket.io-client";
import type { RoomEvent } from "../server/realtime/event-journal";

export interface ClientPlan {
  /** Instances to connect to; client n connects to urls[n % urls.length]. */
  urls: string[];
  cookie: string;
  /** The global numbers of this process's clients. */
  first: number;
  count: number;
  /** Only rollout.changed events of this rollout count. */
  rolloutId: string;
}

/** One arrival: [client number, rollout version, arrived (epoch ms), published (the event's `at`)]. */
export type Arrival = [number, number, number, number];

type FromChild = { ready: true } | { error: string } | { arrivals: Arrival[] };

export interface DashboardClients {
  /** Disconnects every client and returns every arrival noted. */
  collect(): Promise<Arrival[]>;
}

/** Connects `total` clients, overview room subscribed, in `processes` child processes. */
export async function connectDashboardClients(
  plan: Omit<ClientPlan, "first" | "count">,
  total: number,
  processes: number,
): Promise<DashboardClients> {
  const children = Array.from({ length: processes }, (_, p) => {
    const first = Math.floor((total * p) / processes);
    const count = Math.floor((total * (p + 1)) / processes) - first;
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, "--clients"], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.send({ ...plan, first, count } satisfies ClientPlan);
    return child;
  });
  await Promise.all(children.map((child) => reply(child, "ready")));
  return {
    async collect() {
      const replies = await Promise.all(
        children.map((child) => {
          const arrivals = reply(child, "arrivals");
          child.send("collect");
          // The child ends once disconnected; ending on its own, its exit could overtake a large reply.
          return arrivals.finally(() => child.disconnect());
        }),
      );
      return replies.flatMap((r) => ("arrivals" in r ? r.arrivals : []));
    },
  };
}

function reply(child: ChildProcess, expected: "ready" | "arrivals"): Promise<FromChild> {
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`dashboard clients exited (${code})`)));
    child.once("message", (message: FromChild) =>
      "error" in message ? reject(new Error(message.error)) : expected in message ? resolve(message) : null,
    );
  });
}

async function runClients(plan: ClientPlan): Promise<Socket[]> {
  const sockets: Socket[] = [];
  // In batches, as dashboards would arrive, not as one thundering herd of handshakes.
  for (let i = 0; i < plan.count; i += 50) {
    const batch = Array.from({ length: Math.min(50, plan.count - i) }, (_, k) => {
      const n = plan.first + i + k;
      // forceNew: one connection per client; socket.io-client would otherwise multiplex them all.
      const socket = io(plan.urls[n % plan.urls.length], {
        transports: ["websocket"],
        extraHeaders: { Cookie: plan.cookie },
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

if (process.argv[1] === import.meta.filename && process.argv[2] === "--clients") {
  const send = (message: FromChild) => process.send?.(message);
  process.once("message", async (plan: ClientPlan) => {
    try {
      const sockets = await runClients(plan);
      const arrivals: Arrival[] = [];
      // Date.now(), as the servers stamp `at`: the same machine's clock in the same whole milliseconds.
      sockets.forEach((socket, k) => {
        socket.on("room.event", (event: RoomEvent) => {
          if (event.name === "rollout.changed" && event.payload.rolloutId === plan.rolloutId) {
            arrivals.push([plan.first + k, event.payload.version, Date.now(), event.at]);
          }
        });
      });
      process.once("message", () => {
        for (const socket of sockets) socket.disconnect();
        send({ arrivals });
      });
      send({ ready: true });
    } catch (error) {
      send({ error: (error as Error).message });
      process.disconnect();
    }
  });
}
