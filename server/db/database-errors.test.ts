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

  it("answers a deadlock or a serialization failure as CONFLICT, to retry", async () => {
    for (const state of ["40P01", "40001"]) {
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

  it("answers a deadlock in a Prisma write (the driver adapter's own error) as CONFLICT too", async () => {
    const db = database.db;
    await db.$executeRawUnsafe(
      `CREATE FUNCTION deadlocked() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$ LANGUAGE plpgsql`,
    );
    await db.$executeRawUnsafe(
      `CREATE TRIGGER deadlocked BEFORE INSERT ON "Segment" FOR EACH ROW EXECUTE FUNCTION deadlocked()`,
    );
    const failure = await db.segment.create({ data: { key: "deadlocked" } }).then(
      () => null,
      (error: unknown) => databaseErrorAsAppError(error),
    );
    expect(failure).toMatchObject({ code: "CONFLICT" });
  });

  it("leaves anything else an internal error, a unique key in a raw query included (inserts say ON CONFLICT)", async () => {
    expect(await failureOf(raising("22012"))).toBeNull();
    expect(await failureOf(raising("23505"))).toBeNull();
  });
});
