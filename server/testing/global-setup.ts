import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { freePort } from "./free-port";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/** One real PostgreSQL for the whole run; each test file makes its own database on it. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), "sluice-test-pg-"));
  const database = await startEmbeddedPostgres(path.join(dir, "db"), await freePort());
  project.provide("postgresUrl", database.url);
  return async () => {
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
