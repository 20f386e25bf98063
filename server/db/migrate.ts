import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { ADVISORY_LOCKS } from "./advisory-locks";

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");
const MIGRATION_LOCK_KEY = ADVISORY_LOCKS.migrations;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export class MigrationError extends Error {}

/**
 * Applies pending migrations in order, each in its own transaction (PostgreSQL DDL is transactional),
 * so a failing migration leaves the database exactly as it was. Instances starting together take turns
 * through an advisory lock. Returns the names applied.
 */
export async function migrate(url: string, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await readMigrations());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS _sluice_migrations (
         name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = new Map(
      (
        await client.query<{ name: string; checksum: string }>(
          "SELECT name, checksum FROM _sluice_migrations",
        )
      ).rows.map((row) => [row.name, row.checksum]),
    );
    for (const [name, checksum] of applied) {
      const known = all.find((m) => m.name === name);
      if (known && known.checksum !== checksum) {
        throw new MigrationError(
          `Migration ${name} was changed after it was applied (checksum differs). Restore the committed file.`,
        );
      }
    }
    const done: string[] = [];
    for (const migration of all.filter((m) => !applied.has(m.name))) {
      try {
        await client.query("BEGIN");
        await client.query(migration.sql);
        await client.query("INSERT INTO _sluice_migrations (name, checksum) VALUES ($1, $2)", [
          migration.name,
          migration.checksum,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(
          `Migration ${migration.name} failed: ${(error as Error).message}. It was rolled back and nothing was changed.`,
        );
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

/** Names of committed migrations not yet applied (for readiness checks). */
export async function pendingMigrations(url: string): Promise<string[]> {
  const all = await readMigrations();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = await client
      .query<{ name: string }>("SELECT name FROM _sluice_migrations")
      .then((r) => r.rows)
      .catch(() => []);
    const applied = new Set(rows.map((r) => r.name));
    return all.map((m) => m.name).filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}
