import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startTestApi, type TestApi } from "../server/api/api-test-client";
import { createDb } from "../server/db/client";
import { startEmbeddedPostgres } from "../server/db/embedded-postgres";
import { migrate } from "../server/db/migrate";
import type { ServiceContext } from "../server/services/context";
import { EventBus } from "../server/services/events/event-bus";
import { freePort } from "../server/testing/free-port";

export interface BenchStack {
  services: ServiceContext;
  api: TestApi;
  stop(): Promise<void>;
}

/** A fresh, migrated embedded PostgreSQL in a temporary directory, removed on stop. */
export async function startBenchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "sluice-bench-"));
  const database = await startEmbeddedPostgres(path.join(dir, "db"), await freePort());
  await migrate(database.url);
  return {
    url: database.url,
    async stop() {
      await database.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A real PostgreSQL (embedded, fresh), the services over it and the HTTP API on loopback. */
export async function startBenchStack(): Promise<BenchStack> {
  const database = await startBenchDatabase();
  const db = createDb(database.url);
  const services: ServiceContext = { db, events: new EventBus(), now: () => new Date() };
  const api = await startTestApi(services);
  return {
    services,
    api,
    async stop() {
      await api.close();
      await db.$disconnect();
      await database.stop();
    },
  };
}

/** Median, 95th and 99th percentile of a list of durations, in ms. */
export function percentiles(values: number[]): { median: number; p95: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95), p99: at(0.99) };
}
