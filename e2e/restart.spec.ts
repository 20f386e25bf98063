import { createConnection } from "node:net";
import { expect, test } from "@playwright/test";
import { newDataDir, query, startServer } from "./server-process";

const port = Number(process.env.E2E_PORT ?? 3999) + 10;

async function counts() {
  const [row] = await query<{ users: string; rollouts: string; samples: string; audit: string }>(
    port,
    `SELECT (SELECT count(*) FROM "User") AS users, (SELECT count(*) FROM "Rollout") AS rollouts,
            (SELECT count(*) FROM "MetricSample") AS samples, (SELECT count(*) FROM "AuditEvent") AS audit`,
  );
  return {
    users: Number(row?.users),
    rollouts: Number(row?.rollouts),
    samples: Number(row?.samples),
    audit: Number(row?.audit),
  };
}

const portOpen = (p: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port: p, host: "127.0.0.1" });
    socket.once("connect", () => socket.end(() => resolve(true)));
    socket.once("error", () => resolve(false));
  });

test("Ctrl-C stops everything cleanly and a second start keeps every row", async () => {
  test.setTimeout(120_000);
  const dataDir = newDataDir("restart");
  const first = startServer(port, dataDir);
  await first.up;
  await new Promise((r) => setTimeout(r, 2_500)); // let the simulator write a few intervals
  const before = await counts();
  expect(before).toMatchObject({ users: 5, rollouts: 4 });
  expect(before.samples).toBeGreaterThan(0);

  first.child.kill("SIGINT");
  expect(await first.exited).toBe(0);
  expect(await portOpen(port)).toBe(false);
  expect(await portOpen(port + 1)).toBe(false); // the embedded PostgreSQL was stopped too

  const second = startServer(port, dataDir);
  await second.up;
  const after = await counts();
  expect(after.users).toBe(5); // not seeded twice
  expect(after.rollouts).toBe(before.rollouts);
  expect(after.samples).toBeGreaterThanOrEqual(before.samples);
  expect(after.audit).toBeGreaterThanOrEqual(before.audit);
  second.child.kill("SIGTERM");
  expect(await second.exited).toBe(0);
});
