import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { databaseErrorAsAppError } from "./database-errors";

/** Raw queries fail as Prisma's P2010 whatever went wrong; PostgreSQL's SQLSTATE tells what it was. */
describe("raw-query failures a caller can act on", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  const failureOf = async (sql: string) => {
    try {
      await database.db.$executeRawUnsafe(sql);
    } catch (error) {
      return databaseErrorAsAppError(error);
    }
    throw new Error(`expected ${sql} to fail`);
  };
  const raising = (sqlState: string) =>
    `DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '${sqlState}'; END $$`;

  it("answers a deadlock, a serialization failure or a unique key as CONFLICT, to retry", async () => {
    for (const state of ["40P01", "40001", "23505"]) {
      expect({ state, error: await failureOf(raising(state)) }).toMatchObject({
        state,
        error: { code: "CONFLICT" },
      });
    }
  });

  it("answers a foreign key to nothing as NOT_FOUND", async () => {
    const insert = `INSERT INTO "MetricSample" ("rolloutId", "cohort", "intervalEnd", "intervalSeconds",
      "requests", "errors", "latencyBoundsMs", "latencyCounts") VALUES ('no-such-rollout', 'canary', now(), 10,
      1, 0, '{100}', '{1,0}')`;
    expect(await failureOf(insert)).toMatchObject({ code: "NOT_FOUND" });
  });

  it("leaves anything else an internal error", async () => {
    expect(await failureOf(raising("22012"))).toBeNull();
  });
});
