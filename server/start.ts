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
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error) => {
  console.error(error instanceof MigrationError ? `Start refused: ${error.message}` : error);
  process.exit(1);
});
