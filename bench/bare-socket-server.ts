// Bare socket.io with the PostgreSQL adapter, nothing of Sluice's around it: the yardstick for
// `npm run bench:scale`'s socket figures, measured with the same clients on the same machine. Runs as a
// child process (see startBareSocketServer); its parent tells it when to emit an event.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { attachPostgresAdapter } from "../server/realtime/postgres-adapter";

export const BARE_ROLLOUT_ID = "bare-socket.io";

export interface BareSocketServer {
  url: string;
  /** Emits rollout.changed `version` to the overview room (every instance's clients), stamped now. */
  emit(version: number): void;
  stop(): Promise<void>;
}

export async function startBareSocketServer(databaseUrl: string, port: number): Promise<BareSocketServer> {
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, import.meta.filename, "--bare"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) },
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`bare socket.io server exited (${code})`)));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    emit: (version) => child.send(version),
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

if (process.argv[1] === import.meta.filename && process.argv[2] === "--bare") {
  const httpServer = createServer();
  const io = new Server(httpServer, { serveClient: false });
  const closeAdapter = attachPostgresAdapter(io, process.env.DATABASE_URL as string);
  io.on("connection", (socket) => {
    socket.on("subscribe", (room: string, ack: (reply: { ok: true; head: number }) => void) => {
      socket.join(room);
      ack({ ok: true, head: 0 });
    });
  });
  process.on("message", (version: number) => {
    const payload = { rolloutId: BARE_ROLLOUT_ID, version, state: "running", exposurePercent: 5 };
    const event = { room: "overview", seq: version, at: Date.now(), name: "rollout.changed", payload };
    io.to("overview").emit("room.event", event);
  });
  process.once("SIGTERM", () => io.close(() => closeAdapter().then(() => process.exit(0))));
  httpServer.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("up"));
}
