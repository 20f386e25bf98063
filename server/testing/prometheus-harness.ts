import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Counter, Histogram, Registry } from "prom-client";
import type { Cohort } from "../domain/metrics/cohort-sample";
import { freePort } from "./free-port";

/** The Prometheus binary (`SLUICE_PROMETHEUS_BIN`, else Debian's /usr/bin/prometheus), or null. */
export function findPrometheus(): string | null {
  const candidate = process.env.SLUICE_PROMETHEUS_BIN ?? "/usr/bin/prometheus";
  try {
    accessSync(candidate, constants.X_OK);
    return candidate;
  } catch {
    return null;
  }
}

export interface TestPrometheus {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on a free loopback port, scraping `targets` (host:port) every second, its data in
 * a temporary directory removed at `stop()`. Resolves once it is ready and has scraped every target.
 */
export async function startPrometheus(binary: string, targets: readonly string[]): Promise<TestPrometheus> {
  const dir = await mkdtemp(path.join(tmpdir(), "sluice-test-prometheus-"));
  const port = await freePort();
  const config = [
    "global:",
    "  scrape_interval: 1s",
    "  scrape_timeout: 900ms",
    "scrape_configs:",
    "  - job_name: exporter",
    "    static_configs:",
    `      - targets: [${targets.map((t) => `"${t}"`).join(", ")}]`,
  ].join("\n");
  await writeFile(path.join(dir, "prometheus.yml"), config);
  const child = spawn(
    binary,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.off("exit", killOnExit);
    await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${stderr}`);
      const up = await fetch(`${url}/api/v1/query?query=up`).then((r) => r.json());
      const result = (up as { data?: { result?: { value: [number, string] }[] } }).data?.result ?? [];
      return result.length === targets.length && result.every((r) => r.value[1] === "1");
    }, 20_000);
  } catch (error) {
    await stop();
    throw new Error(`Prometheus did not become ready: ${(error as Error).message}\n${stderr}`);
  }
  return { url, stop };
}

/** One cohort's traffic in one tick: `latencyMs` is cycled over the requests, the first `errors` fail. */
export interface CohortTraffic {
  requests: number;
  errors: number;
  latencyMs: readonly number[];
  conversions?: { trials: number; successes: number };
}

export const EXPORTER_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;

interface Served {
  at: number;
  cohort: Cohort;
  traffic: CohortTraffic;
}

/**
 * A service's metrics endpoint as a test drives it: cohort-labelled request counters (status 200 or
 * 503), a request-duration histogram in seconds and conversion counters, in Prometheus' text format.
 * It remembers when it served what, so a test can ask what happened in any window.
 */
export async function startTestExporter(service: string) {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: "http_requests_total",
    help: "Requests",
    labelNames: ["service", "cohort", "status"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Request duration",
    labelNames: ["service", "cohort"] as const,
    buckets: EXPORTER_BOUNDS_MS.map((ms) => ms / 1000),
    registers,
  });
  const trials = new Counter({
    name: "checkout_trials_total",
    help: "Checkouts started",
    labelNames: ["service", "cohort"] as const,
    registers,
  });
  const successes = new Counter({
    name: "checkout_successes_total",
    help: "Checkouts completed",
    labelNames: ["service", "cohort"] as const,
    registers,
  });
  // Series exist from the first scrape, so increase() never misses a first count.
  for (const cohort of ["baseline", "canary"] as const) {
    for (const status of ["200", "503"]) requests.inc({ service, cohort, status }, 0);
    duration.zero({ service, cohort });
    trials.inc({ service, cohort }, 0);
    successes.inc({ service, cohort }, 0);
  }
  const log: Served[] = [];
  const server = createServer((_req, res) => {
    registry.metrics().then((body) => res.writeHead(200, { "Content-Type": registry.contentType }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  function serve(cohort: Cohort, traffic: CohortTraffic, at = Date.now()): void {
    log.push({ at, cohort, traffic });
    requests.inc({ service, cohort, status: "503" }, traffic.errors);
    requests.inc({ service, cohort, status: "200" }, traffic.requests - traffic.errors);
    for (let i = 0; i < traffic.requests; i++) {
      const ms = traffic.latencyMs[i % traffic.latencyMs.length] ?? 0;
      duration.observe({ service, cohort }, ms / 1000);
    }
    if (traffic.conversions) {
      trials.inc({ service, cohort }, traffic.conversions.trials);
      successes.inc({ service, cohort }, traffic.conversions.successes);
    }
  }

  /** What a cohort was served in (fromMs, toMs], histogram in Sluice's per-bucket form. */
  function served(cohort: Cohort, fromMs: number, toMs: number) {
    const total = {
      requests: 0,
      errors: 0,
      counts: new Array<number>(EXPORTER_BOUNDS_MS.length + 1).fill(0),
    };
    const conversions = { trials: 0, successes: 0 };
    for (const entry of log) {
      if (entry.cohort !== cohort || entry.at <= fromMs || entry.at > toMs) continue;
      total.requests += entry.traffic.requests;
      total.errors += entry.traffic.errors;
      for (let i = 0; i < entry.traffic.requests; i++) {
        const ms = entry.traffic.latencyMs[i % entry.traffic.latencyMs.length] ?? 0;
        const bucket = EXPORTER_BOUNDS_MS.findIndex((bound) => ms <= bound);
        const index = bucket === -1 ? EXPORTER_BOUNDS_MS.length : bucket;
        total.counts[index] = (total.counts[index] ?? 0) + 1;
      }
      conversions.trials += entry.traffic.conversions?.trials ?? 0;
      conversions.successes += entry.traffic.conversions?.successes ?? 0;
    }
    return { ...total, conversions };
  }

  /** Serves `traffic(tick)` every `everyMs` until the returned function is called. */
  function drive(traffic: (tick: number) => Record<Cohort, CohortTraffic>, everyMs = 100): () => void {
    let tick = 0;
    const timer = setInterval(() => {
      const now = Date.now();
      const both = traffic(tick++);
      serve("baseline", both.baseline, now);
      serve("canary", both.canary, now);
    }, everyMs);
    return () => clearInterval(timer);
  }

  return {
    target,
    serve,
    served,
    drive,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestExporter = Awaited<ReturnType<typeof startTestExporter>>;

/** Forwards queries to Prometheus and remembers each one, so a test can count them. */
export async function startCountingProxy(target: string) {
  const queries: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    queries.push(new URLSearchParams(body).get("query") ?? "");
    const upstream = await fetch(new URL(req.url ?? "/", target), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    res.writeHead(upstream.status, { "Content-Type": "application/json" }).end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type CountingProxy = Awaited<ReturnType<typeof startCountingProxy>>;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
      if ((error as Error).message.startsWith("prometheus exited")) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ""}`);
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
