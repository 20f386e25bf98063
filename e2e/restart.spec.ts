import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";

const port = Number(process.env.E2E_PORT ?? 3999) + 10;
const pgPort = port + 1;
const dataDir = mkdtempSync(path.join(tmpdir(), "sluice-restart-"));

function startServer(): { child: ChildProcess; up: Promise<void>; exited: Promise<number | null> } {
  const child = spawn("node_modules/.bin/tsx", ["server/start.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      SLUICE_DATA_DIR: dataDir,
      SLUICE_EMBEDDED_PG_PORT: String(pgPort),
      SLUICE_SIMULATOR_INTERVAL_SECONDS: "1",
      SLUICE_DEMO_PASSWORD: "restart-password",
    },
    stdio: ["ignore", "pipe", "pipe"],
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

async function counts() {
  const client = new pg.Client({
    connectionString: `postgresql://sluice:sluice-local@127.0.0.1:${pgPort}/sluice`,
  });
  await client.connect();
  try {
    const row = async (table: string) =>
      Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    return {
      users: await row("User"),
      rollouts: await row("Rollout"),
      samples: await row("MetricSample"),
      audit: await row("AuditEvent"),
    };
  } finally {
    await client.end();
  }
}

const portOpen = (p: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port: p, host: "127.0.0.1" });
    socket.once("connect", () => socket.end(() => resolve(true)));
    socket.once("error", () => resolve(false));
  });

test("Ctrl-C stops everything cleanly and a second start keeps every row", async () => {
  test.setTimeout(120_000);
  const first = startServer();
  await first.up;
  await new Promise((r) => setTimeout(r, 2_500)); // let the simulator write a few intervals
  const before = await counts();
  expect(before).toMatchObject({ users: 5, rollouts: 4 });
  expect(before.samples).toBeGreaterThan(0);

  first.child.kill("SIGINT");
  expect(await first.exited).toBe(0);
  expect(await portOpen(port)).toBe(false);
  expect(await portOpen(pgPort)).toBe(false); // the embedded PostgreSQL was stopped too

  const second = startServer();
  await second.up;
  const after = await counts();
  expect(after.users).toBe(5); // not seeded twice
  expect(after.rollouts).toBe(before.rollouts);
  expect(after.samples).toBeGreaterThanOrEqual(before.samples);
  expect(after.audit).toBeGreaterThanOrEqual(before.audit);
  second.child.kill("SIGTERM");
  expect(await second.exited).toBe(0);
});
