// npm run bench:ui (after npm run build): the dashboard in a real Chromium against the production server.
// (a) time to the first chart render of a rollout holding 24 h of 10-s samples; (b) time from a sample
// posted to the server until its point is on the chart, through the socket. Prints median and p95.
// BENCH_UI_PORT picks the server's port (its embedded PostgreSQL uses the next one).
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { chromium } from "@playwright/test";
import { signIn } from "../e2e/fixtures";
import { newDataDir, query, startServer } from "../e2e/server-process";
import config, { E2E_PASSWORD } from "../playwright.config";
import { createDb } from "../server/db/client";
import { EventBus } from "../server/services/events/event-bus";
import { createApiToken } from "../server/services/tokens/create-api-token";
import { percentiles } from "./bench-stack";

const PORT = Number(process.env.BENCH_UI_PORT ?? 4100);
const OPEN_TRIALS = Number(process.env.BENCH_UI_OPEN_TRIALS ?? 7);
const EVENT_TRIALS = Number(process.env.BENCH_UI_EVENT_TRIALS ?? 30);
const DAY_OF_SAMPLES = (24 * 3600) / 10;
const BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
const COUNTS = [0, 0, 0, 700, 300, 0, 0, 0, 0, 0, 0];
const base = `http://127.0.0.1:${PORT}`;

if (!existsSync(".next/BUILD_ID"))
  throw new Error("bench:ui needs a production build: run npm run build first");

const dataDir = newDataDir("bench-ui");
// Push ingest only: no simulator adds points while an event's arrival is timed.
const server = startServer(PORT, dataDir, {
  SLUICE_METRICS_SOURCE: "push",
  SLUICE_DEMO_PASSWORD: E2E_PASSWORD,
  NEXTAUTH_URL: base,
  SLUICE_RATE_METRICS_BURST: "100000",
  SLUICE_RATE_METRICS_PER_MINUTE: "100000",
  SLUICE_RATE_SIGN_IN_BURST: "1000",
});
const browser = await chromium.launch(config.use?.launchOptions);
try {
  await server.up;
  const [rollout] = await query<{ id: string }>(
    PORT,
    `SELECT r.id FROM "Rollout" r JOIN "Service" s ON s.id = r."serviceId" WHERE s.name = 'payments'`,
  );
  if (!rollout) throw new Error("the demo's payments rollout is missing");
  // 24 h of healthy 10-s samples for both cohorts, ending where the timed samples begin.
  const firstLiveEnd = Date.now() - EVENT_TRIALS * 10_000;
  await query(
    PORT,
    `INSERT INTO "MetricSample" ("rolloutId", cohort, "intervalEnd", "intervalSeconds", requests, errors,
                                 "latencyBoundsMs", "latencyCounts")
     SELECT $1, c.cohort, to_timestamp(($2::bigint - i * 10000) / 1000.0) AT TIME ZONE 'UTC', 10, 1000, 5, $3, $4
       FROM generate_series(1, $5::int) AS i, (VALUES ('baseline'), ('canary')) AS c(cohort)`,
    [rollout.id, firstLiveEnd, BOUNDS, COUNTS, DAY_OF_SAMPLES],
  );

  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  await signIn(context, "viewer");
  const page = await context.newPage();
  const chart = page.getByTestId("chart-errorRate");
  const pointsOnChart = () => chart.evaluate((el) => Number(el.getAttribute("data-points")));

  // (a) Navigation start to the chart's lines drawn with the day's points (browser clock).
  const openMs: number[] = [];
  for (let trial = 0; trial < OPEN_TRIALS; trial++) {
    await page.goto(`/rollouts/${rollout.id}`);
    const drawnAt = await page.waitForFunction(
      () => {
        const figure = document.querySelector('[data-testid="chart-errorRate"]');
        const drawn =
          Number(figure?.getAttribute("data-points")) > 100 && figure?.querySelector(".recharts-line path");
        return drawn ? performance.now() : null;
      },
      undefined,
      { polling: "raf", timeout: 60_000 },
    );
    openMs.push(Number(await drawnAt.jsonValue()));
  }

  // (b) Sample posted to the point on screen: a MutationObserver stamps the chart's change (same host
  // clock as this process, both epoch-based).
  const db = createDb(`postgresql://sluice:sluice-local@127.0.0.1:${PORT + 1}/sluice`);
  const { secret: token } = await createApiToken(
    { db, events: new EventBus(), now: () => new Date() },
    { id: "bench-ui", name: "bench-ui", role: "admin" },
    { name: "bench-ui", scopes: ["metrics:write"] },
  );
  await db.$disconnect();
  await page.getByTestId("connection").filter({ hasText: "live" }).waitFor();
  const eventMs: number[] = [];
  for (let trial = 0; trial < EVENT_TRIALS; trial++) {
    const before = await pointsOnChart();
    await page.evaluate((known) => {
      const figure = document.querySelector('[data-testid="chart-errorRate"]') as Element;
      const stamped = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          if (Number(figure.getAttribute("data-points")) <= known) return;
          observer.disconnect();
          resolve(performance.timeOrigin + performance.now());
        });
        observer.observe(figure, { attributes: true, attributeFilter: ["data-points"] });
      });
      (window as unknown as { benchShown: Promise<number> }).benchShown = stamped;
    }, before);
    const end = firstLiveEnd + trial * 10_000;
    const sample = (cohort: string) => ({
      rolloutId: rollout.id,
      cohort,
      intervalEnd: end,
      intervalSeconds: 10,
      requests: 1000,
      errors: 5,
      latency: { bounds: BOUNDS, counts: COUNTS },
      conversions: null,
    });
    const sentAt = performance.timeOrigin + performance.now();
    const response = await fetch(`${base}/api/v1/metrics`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ samples: [sample("baseline"), sample("canary")] }),
    });
    if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
    const shownAt = await page.evaluate(
      () => (window as unknown as { benchShown: Promise<number> }).benchShown,
    );
    eventMs.push(shownAt - sentAt);
  }
  await context.close();

  const print = (label: string, values: number[]) => {
    const { median, p95 } = percentiles(values);
    console.log(`${label}: median ${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (${values.length} runs)`);
  };
  print(`first chart render, 24 h of 10-s samples (${2 * DAY_OF_SAMPLES} rows)`, openMs);
  print("sample ingested → point on the chart", eventMs);
} finally {
  await browser.close();
  server.child.kill("SIGTERM");
  await server.exited;
  await rm(dataDir, { recursive: true, force: true });
}
