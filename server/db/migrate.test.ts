import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { MigrationError, migrate, pendingMigrations, readMigrations } from "./migrate";

describe("startup migrator", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("has applied every committed migration and applying again changes nothing", async () => {
    expect(await pendingMigrations(database.url)).toEqual([]);
    expect(await migrate(database.url)).toEqual([]);
  });

  it("rolls a failing migration back whole and says which one failed", async () => {
    const committed = await readMigrations();
    const broken = {
      name: "99999999999999_broken",
      sql: 'CREATE TABLE "ShouldNotExist" (id int); SELECT * FROM "NoSuchTable";',
      checksum: "x",
    };
    await expect(migrate(database.url, [...committed, broken])).rejects.toThrow(
      new MigrationError(
        'Migration 99999999999999_broken failed: relation "NoSuchTable" does not exist. It was rolled back and nothing was changed.',
      ),
    );
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const table = await client.query(`SELECT to_regclass('"ShouldNotExist"') AS t`);
    const recorded = await client.query("SELECT 1 FROM _sluice_migrations WHERE name = $1", [broken.name]);
    await client.end();
    expect(table.rows[0].t).toBeNull();
    expect(recorded.rowCount).toBe(0);
  });

  it("refuses to start when an applied migration was edited", async () => {
    const committed = await readMigrations();
    const edited = committed.map((m, i) => (i === 0 ? { ...m, checksum: "edited" } : m));
    await expect(migrate(database.url, edited)).rejects.toThrow(/was changed after it was applied/);
  });
});
