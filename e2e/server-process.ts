import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "../server/db/embedded-postgres";

/** A Sluice server of the test's own (its own data directory and ports), started as `npm start` would. */
export interface ServerProcess {
  child: ChildProcess;
  up: Promise<void>;
  exited: Promise<number | null>;
}

export function serverEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production" as const,
    PORT: String(port),
    SLUICE_DATA_DIR: dataDir,
    SLUICE_EMBEDDED_PG_PORT: String(port + 1),
    SLUICE_SIMULATOR_INTERVAL_SECONDS: "1",
    SLUICE_SIMULATOR_REQUESTS_PER_SECOND: "4000",
    SLUICE_DEMO_PASSWORD: "own-server-password",
    SLUICE_DEMO_NEXT_RELEASES: "false",
  };
}

export const newDataDir = (name: string) => mkdtempSync(path.join(tmpdir(), `sluice-${name}-`));

/** Starts the server in its own process group, so a test can SIGKILL the whole group like a crash. */
export function startServer(
  port: number,
  dataDir: string,
  extraEnv: Record<string, string> = {},
): ServerProcess {
  // node with tsx as a loader (not the tsx CLI, which SIGKILLs a child slow to acknowledge a signal).
  const child = spawn(process.execPath, ["--import", "tsx", "server/start.ts"], {
    env: { ...serverEnv(port, dataDir), ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const up = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Sluice is up")) resolve();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`server exited (${code}) before it was up:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { child, up, exited };
}

/** Sends a signal to the server's whole process group: SIGKILL is a crash, SIGTERM a deploy's stop. */
export function signalServer(server: ServerProcess, signal: NodeJS.Signals): Promise<number | null> {
  try {
    process.kill(-(server.child.pid as number), signal);
  } catch {} // already gone
  return server.exited;
}

/**
 * A PostgreSQL owned by the test (not by a server), for several servers at once through DATABASE_URL,
 * which the test may stop and start again (an outage) while the servers run.
 */
export interface SharedDatabase {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startSharedDatabase(port: number, dataDir = newDataDir("shared-db")) {
  let running: EmbeddedDatabase | null = await startEmbeddedPostgres(path.join(dataDir, "db"), port);
  const url = running.url;
  return {
    url,
    async stop() {
      await running?.stop();
      running = null;
    },
    async start() {
      running ??= await startEmbeddedPostgres(path.join(dataDir, "db"), port);
    },
  } satisfies SharedDatabase;
}

/** What every instance on one database shares: the database and the session secret (see the README). */
export function instanceEnv(database: SharedDatabase, publicUrl: string): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: SHARED_SECRET,
    NEXTAUTH_URL: publicUrl,
    SLUICE_SEED_DEMO: "false",
    SLUICE_RATE_API_BURST: "100000",
    SLUICE_RATE_API_PER_MINUTE: "100000",
  };
}

export const SHARED_SECRET = "several-instances-share-this-secret-0123456789";

/** Runs a query against a test server's embedded PostgreSQL. */
export function query<T extends pg.QueryResultRow>(port: number, sql: string, params: unknown[] = []) {
  return queryDatabase<T>(`postgresql://sluice:sluice-local@127.0.0.1:${port + 1}/sluice`, sql, params);
}

export async function queryDatabase<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
