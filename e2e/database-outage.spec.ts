import { type Browser, expect, test } from "@playwright/test";
import { encode } from "next-auth/jwt";
import { REVOCATION_CACHE_TTL_MS } from "../server/auth/session-revocation";
import {
  createDraft,
  duplicateTransitions,
  issueToken,
  probe,
  restClient,
  rolloutAudit,
  rolloutRow,
  shortPlan,
} from "./instance-client";
import {
  instanceEnv,
  newDataDir,
  type ServerProcess,
  SHARED_SECRET,
  type SharedDatabase,
  signalServer,
  startServer,
  startSharedDatabase,
} from "./server-process";

/**
 * PostgreSQL stops for ten seconds in the middle of a rollout. Sluice must say so (503 UNAVAILABLE,
 * /readyz unready) rather than pretend, must not judge a step on the data it could not store, and must
 * carry on by itself once the database is back: commands work again, the leader lock is retaken and
 * the rollout goes on. A dashboard that reconnects during the outage is refused, and is live again
 * once the database is back, without a reload.
 */
const base = Number(process.env.E2E_PORT ?? 3999) + 50;
const port = base + 2;
const url = `http://127.0.0.1:${port}`;
const OUTAGE_MS = 10_000;

let database: SharedDatabase;
let server: ServerProcess;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  database = await startSharedDatabase(base);
  server = startServer(port, newDataDir("outage"), instanceEnv(database, url));
  await server.up;
});

test.afterAll(async () => {
  if (server) await signalServer(server, "SIGTERM");
  await database?.stop();
});

/** A viewer's page on this server, with a session cookie signed by the instances' shared secret. */
async function viewerPage(browser: Browser) {
  const token = await encode({
    secret: SHARED_SECRET,
    maxAge: 3600,
    token: { sub: "outage-viewer", name: "viewer", role: "viewer" },
  });
  const context = await browser.newContext();
  await context.addCookies([{ name: "next-auth.session-token", value: token, url }]);
  return { context, page: await context.newPage() };
}

test("a database outage mid-rollout: clear 503s, no verdict on missing data, and everything resumes", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const rest = restClient(url, await issueToken(database.url));
  const running = await createDraft(rest, "outage-running", shortPlan([5, 10, 25, 50, 100], 5));
  const draft = await createDraft(rest, "outage-commands", shortPlan([5, 100], 600));
  expect((await rest("POST", `/rollouts/${running}/start`, {})).status).toBe(200);
  expect((await rest("POST", `/rollouts/${draft}/start`, {})).status).toBe(200);
  await expect.poll(async () => (await probe(url, "/readyz"))?.body.role, { timeout: 30_000 }).toBe("leader");
  await expect
    .poll(async () => (await rolloutRow(database.url, running)).currentStep, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(1);

  const watcher = await viewerPage(browser);
  const refusals: string[] = [];
  watcher.page.on("websocket", (ws) =>
    ws.on("framereceived", (frame) => {
      // socket.io's CONNECT_ERROR packet: the handshake refused the connection.
      if (String(frame.payload).startsWith("44")) refusals.push(String(frame.payload));
    }),
  );
  await watcher.page.goto(`${url}/rollouts/${running}`);
  const connection = watcher.page.getByTestId("connection");
  await expect(connection).toHaveText("live");
  let navigations = 0;
  watcher.page.on("framenavigated", (frame) => {
    if (frame === watcher.page.mainFrame()) navigations++;
  });

  const atOutage = await rolloutRow(database.url, running);
  const historyAtOutage = await rolloutAudit(database.url, running);
  const outageStarted = Date.now();
  await database.stop();
  await watcher.context.setOffline(true);

  // Every command refused as unavailable, none pretending to work; readiness says why.
  const pause = await rest(
    "POST",
    `/rollouts/${draft}/pause`,
    { reason: "during the outage" },
    { "idempotency-key": "outage-pause" },
  );
  expect(pause).toEqual({
    status: 503,
    json: { code: "UNAVAILABLE", message: expect.stringMatching(/database is unavailable/) },
  });
  const kill = await rest("POST", "/kill", {
    service: "outage-commands",
    reason: "x",
    idempotencyKey: "outage-kill",
  });
  expect(kill.status).toBe(503);
  expect(kill.json.code).toBe("UNAVAILABLE");
  expect(await probe(url, "/readyz")).toMatchObject({
    status: 503,
    body: { status: "unready", reason: "database unreachable" },
  });
  expect((await probe(url, "/healthz"))?.status).toBe(200); // the process itself is fine

  // The dashboard comes back online once the server's cached session check has lapsed: its handshake
  // needs the database, and is refused as unavailable (after which socket.io itself would give up).
  const sinceOutage = () => Date.now() - outageStarted;
  await new Promise((r) => setTimeout(r, Math.max(0, REVOCATION_CACHE_TTL_MS + 1_000 - sinceOutage())));
  await watcher.context.setOffline(false);
  await expect.poll(() => refusals.some((f) => f.includes('"unavailable"')), { timeout: 15_000 }).toBe(true);
  await expect(connection).toHaveText("reconnecting");
  await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - sinceOutage())));

  await database.start();
  await expect.poll(async () => (await probe(url, "/readyz"))?.status, { timeout: 60_000 }).toBe(200);
  // The page retried by itself: live again on the same page, no reload.
  await expect(connection).toHaveText("live", { timeout: 30_000 });
  expect(navigations).toBe(0);
  await watcher.context.close();
  // Leadership retaken: the loops run again on the reconnected session.
  await expect.poll(async () => (await probe(url, "/readyz"))?.body.role, { timeout: 60_000 }).toBe("leader");

  // The refused pause had no effect: the same key now does the work for the first time.
  const retried = await rest(
    "POST",
    `/rollouts/${draft}/pause`,
    { reason: "after the outage" },
    { "idempotency-key": "outage-pause" },
  );
  expect(retried.status).toBe(200);
  expect(retried.json).toMatchObject({ repeated: false, rollout: { state: "paused" } });

  // The step held during the outage is neither passed nor rolled back on the intervals that were lost:
  // the evaluator's first word on it after the outage is "not enough evidence".
  const afterOutage = await rolloutAudit(database.url, running);
  await expect
    .poll(async () => (await rolloutAudit(database.url, running)).length, { timeout: 60_000 })
    .toBeGreaterThan(historyAtOutage.length);
  const firstVerdict = (await rolloutAudit(database.url, running))
    .slice(historyAtOutage.length)
    .find((e) => e.actor === "system:evaluator");
  expect(afterOutage.slice(0, historyAtOutage.length)).toEqual(historyAtOutage);
  expect(firstVerdict?.action).toBe("rollout.hold-extended");
  expect(firstVerdict?.after?.event).toMatchObject({ stepIndex: atOutage.currentStep });

  // And the rollout goes on: a human resumes it if the evaluator paused it for want of evidence.
  await expect
    .poll(
      async () => {
        const row = await rolloutRow(database.url, running);
        if (row.state === "paused")
          await rest(
            "POST",
            `/rollouts/${running}/resume`,
            {},
            { "idempotency-key": `resume-${row.version}` },
          );
        return row.state;
      },
      { timeout: 120_000, intervals: [1_000] },
    )
    .toBe("completed");
  const history = await rolloutAudit(database.url, running);
  expect(history.some((e) => e.action === "rollout.rolled-back")).toBe(false);
  expect(duplicateTransitions(history)).toEqual([]);
  const verified = await rest("GET", "/audit/verify");
  expect(verified.json).toMatchObject({ result: { ok: true } });
});
