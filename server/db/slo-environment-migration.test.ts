import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { migrate, readMigrations } from "./migrate";

const MIGRATION = "20261130130000_slo_environment";

describe(`migration ${MIGRATION} on existing SLOs`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    const all = await readMigrations();
    database = await createTestDatabase(
      all.slice(
        0,
        all.findIndex((m) => m.name === MIGRATION),
      ),
    );
  });
  afterAll(() => database.drop());

  it("gives each SLO the environment that carried most of its traffic, else production, else the newest", async () => {
    const sql = (text: string) => database.db.$executeRawUnsafe(text);
    await sql(`INSERT INTO "Service" (id, name) VALUES ('s1', 'shop'), ('s2', 'podinfo'), ('s3', 'cart')`);
    // shop: months in "prod", a staging deploy an hour ago; podinfo: Flagger namespaces, no samples;
    // cart: released to production and, lately, to qa.
    await sql(`INSERT INTO "Release" (id, "serviceId", environment, version, artifact, "deployedAt") VALUES
      ('r1', 's1', 'prod', '1.0', 'a', now() - interval '60 days'),
      ('r2', 's1', 'staging', '1.1', 'a', now() - interval '1 hour'),
      ('r3', 's2', 'apps-prod', '1', 'a', now() - interval '30 days'),
      ('r4', 's2', 'apps-canary-test', '2', 'a', now() - interval '1 day'),
      ('r5', 's3', 'production', '1', 'a', now() - interval '30 days'),
      ('r6', 's3', 'qa', '2', 'a', now() - interval '1 day')`);
    await sql(`INSERT INTO "Rollout" (id, "serviceId", "releaseId", mechanism, steps, state, "updatedAt") VALUES
      ('o1', 's1', 'r1', 'canary', '[]', 'completed', now()),
      ('o2', 's1', 'r2', 'canary', '[]', 'running', now())`);
    await sql(`INSERT INTO "MetricSample" ("rolloutId", cohort, "intervalEnd", "intervalSeconds", requests, errors,
        "latencyBoundsMs", "latencyCounts") VALUES
      ('o1', 'baseline', now() - interval '2 days', 30, 90000, 9, '{100}', '{90000,0}'),
      ('o2', 'baseline', now() - interval '10 minutes', 30, 500, 1, '{100}', '{500,0}'),
      ('o2', 'canary', now() - interval '10 minutes', 30, 500, 1, '{100}', '{500,0}')`);
    await sql(`INSERT INTO "Slo" (id, "serviceId", name, kind, objective, "updatedAt") VALUES
      ('a', 's1', 'availability', 'availability', 0.999, now()),
      ('b', 's2', 'availability', 'availability', 0.99, now()),
      ('c', 's3', 'availability', 'availability', 0.99, now())`);

    expect(await migrate(database.url)).toContain(MIGRATION);

    const slos = await database.db.slo.findMany({
      select: { id: true, environment: true },
      orderBy: { id: "asc" },
    });
    expect(slos).toEqual([
      { id: "a", environment: "prod" },
      { id: "b", environment: "apps-canary-test" },
      { id: "c", environment: "production" },
    ]);
  });
});
