import { expect, test } from "@playwright/test";
import { newDataDir, query, startServer } from "./server-process";

const port = Number(process.env.E2E_PORT ?? 3999) + 20;

type RolloutRow = {
  id: string;
  state: string;
  phase: string;
  currentStep: number;
  holdUntil: Date;
  version: number;
};
const payments = () =>
  query<RolloutRow>(
    port,
    `SELECT r.id, r.state, r.phase, r."currentStep", r."holdUntil", r.version
       FROM "Rollout" r JOIN "Service" s ON s.id = r."serviceId" WHERE s.name = 'payments'`,
  ).then((rows) => rows[0] as RolloutRow);
const auditRows = () =>
  query<{ id: string; action: string; targetId: string; at: Date }>(
    port,
    `SELECT id, action, "targetId", at FROM "AuditEvent" ORDER BY id`,
  );

test("a server SIGKILLed mid-step resumes the rollout with its remaining hold and no duplicate history", async () => {
  test.setTimeout(120_000);
  const dataDir = newDataDir("crash");
  const first = startServer(port, dataDir);
  await first.up;
  await new Promise((r) => setTimeout(r, 3_000)); // mid-step: the evaluator has judged a few intervals
  const before = await payments();
  const historyBefore = await auditRows();
  expect(before).toMatchObject({ state: "running", phase: "holding", currentStep: 0 });
  expect(before.holdUntil.getTime()).toBeGreaterThan(Date.now());

  // A crash: the server, its children and the embedded PostgreSQL die at once, no shutdown code runs.
  process.kill(-(first.child.pid as number), "SIGKILL");
  await first.exited;

  const second = startServer(port, dataDir);
  await second.up;
  const evaluationsAtRestart = Number(
    (
      await query<{ n: string }>(port, `SELECT count(*) AS n FROM "StepEvaluation" WHERE "rolloutId" = $1`, [
        before.id,
      ])
    )[0]?.n,
  );
  await new Promise((r) => setTimeout(r, 3_000));
  const after = await payments();
  // Same step, same deadline: the remaining hold is what it was, counted from the stored timestamp.
  expect(after).toMatchObject({
    state: "running",
    phase: "holding",
    currentStep: 0,
    version: before.version,
  });
  expect(after.holdUntil.getTime()).toBe(before.holdUntil.getTime());
  // The engine picked the rollout up again: new judgements after the restart.
  const evaluationsNow = Number(
    (
      await query<{ n: string }>(port, `SELECT count(*) AS n FROM "StepEvaluation" WHERE "rolloutId" = $1`, [
        before.id,
      ])
    )[0]?.n,
  );
  expect(evaluationsNow).toBeGreaterThan(evaluationsAtRestart);
  // History kept as it was, nothing written twice.
  const historyAfter = await auditRows();
  expect(historyAfter.slice(0, historyBefore.length)).toEqual(historyBefore);
  const keys = historyAfter.map((e) => `${e.targetId}|${e.action}|${e.at.toISOString()}`);
  expect(new Set(keys).size).toBe(keys.length);
  process.kill(-(second.child.pid as number), "SIGTERM");
  expect(await second.exited).toBe(0);
});
