import { type Db, Prisma } from "../../db/client";
import { sqlEpochMs } from "../../db/sql-timestamp";
import type { Cohort, CohortSample, IntervalTraffic } from "../../domain/metrics/cohort-sample";
import type { SampleTable } from "./store-once";

/** Where one kind of sample is stored. Its table and column names are written in code, never input. */
export interface SampleLayout<S extends IntervalTraffic> {
  table: "MetricSample" | "ServiceSample";
  /** The two text columns that key a row with "intervalEnd", e.g. ["rolloutId", "cohort"]. */
  keyColumns: readonly [string, string];
  /** A sample's values for keyColumns. */
  keyOf(sample: S): readonly [string, string];
  /** Whether the table stores conversions (cohort samples do; a service's whole traffic has none). */
  conversions: boolean;
  /** The sample a stored row holds, from its keyColumns' values and its traffic. */
  sampleOf(key: readonly [string, string], traffic: IntervalTraffic): S;
}

/**
 * storeOnce's access to a layout's table: one INSERT … ON CONFLICT DO NOTHING, and one read-back through
 * the unique key's index. Raw SQL because Prisma's createManyAndReturn spent ~70 ms per 100 rows in the JS
 * query engine, the bottleneck of ingest. Each column travels as one array unnested by the server: one
 * parameter per column whatever the batch size, and one statement, so a batch is stored whole or not at all.
 */
export function sampleRows<S extends IntervalTraffic>(
  db: Db,
  layout: SampleLayout<S>,
): Pick<SampleTable<S>, "key" | "insert" | "load"> {
  const table: Table<S> = { db, layout, keys: keyColumns(layout), values: valueColumns(layout) };
  return {
    key: (sample) => rowKey(...layout.keyOf(sample), sample.intervalEnd),
    insert: (samples) => insertRows(table, samples),
    load: (samples) => loadRows(table, samples),
  };
}

// JSON keeps the parts apart whatever they contain (an environment may hold any character).
const rowKey = (first: string, second: string, intervalEnd: number) =>
  JSON.stringify([first, second, intervalEnd]);

/** Cohort samples: one row per (rollout, cohort, interval end) in MetricSample. */
export const COHORT_ROWS: SampleLayout<CohortSample> = {
  table: "MetricSample",
  keyColumns: ["rolloutId", "cohort"],
  keyOf: (s) => [s.rolloutId, s.cohort],
  conversions: true,
  sampleOf: ([rolloutId, cohort], traffic) => ({
    rolloutId,
    cohort: cohort as Cohort,
    ...traffic,
    conversions: traffic.conversions ?? null,
  }),
};

/** A layout's table with its columns, as sent. */
interface Table<S extends IntervalTraffic> {
  db: Db;
  layout: SampleLayout<S>;
  /** The unique key's columns: layout.keyColumns and "intervalEnd". */
  keys: readonly Column<S>[];
  values: readonly Column<S>[];
}

/** Inserts the samples whose key is not stored yet; returns the keys it stored. */
async function insertRows<S extends IntervalTraffic>(
  table: Table<S>,
  samples: readonly S[],
): Promise<string[]> {
  if (samples.length === 0) return [];
  const columns = [...table.keys, ...table.values];
  // Rows go in key order whatever the batch's, so two batches sharing keys never each wait for a key the
  // other holds (a deadlock); the batch's order breaks ties, so a repeated key's first occurrence is stored.
  // createdAt in UTC, as Prisma writes it: the column's own default follows the session's time zone.
  const rows = await table.db.$queryRaw<StoredKey[]>`
    INSERT INTO ${quoted(table.layout.table)} (${names(columns)}, "createdAt")
    SELECT ${storedValues(columns)}, now() AT TIME ZONE 'UTC' FROM ${unnested(columns, samples)}
    ORDER BY ${names(table.keys)}, "ordinality"
    ON CONFLICT (${names(table.keys)}) DO NOTHING
    RETURNING ${readKey(table.layout)}`;
  return rows.map((row) => rowKey(row.first, row.second, Number(row.intervalEndMs)));
}

/** The stored samples under these samples' keys (those present), to compare a resend with. */
async function loadRows<S extends IntervalTraffic>(table: Table<S>, samples: readonly S[]): Promise<S[]> {
  if (samples.length === 0) return [];
  const { keys, layout } = table;
  const rows = await table.db.$queryRaw<StoredRow[]>`
    SELECT ${readKey(layout)}, ${names(table.values)}
    FROM ${quoted(layout.table)}
    WHERE (${names(keys)}) IN (SELECT ${storedValues(keys)} FROM ${unnested(keys, samples)})`;
  return rows.map((row) => layout.sampleOf([row.first, row.second], trafficOf(row)));
}

/** A column sent as one array of `type`, unnested under the column's name, and `stored` into it. */
interface Column<S> {
  name: string;
  type: "text" | "integer" | "bigint";
  value(sample: S): string | number | null;
  /** SQL from the unnested value to the column's, where they differ. */
  stored?: Prisma.Sql;
}

// Arrays of arrays cannot be unnested row by row, so each histogram travels as an array literal.
const literal = (values: readonly number[]) => `{${values.join(",")}}`;

const TRAFFIC: readonly Column<IntervalTraffic>[] = [
  { name: "intervalSeconds", type: "integer", value: (s) => s.intervalSeconds },
  { name: "requests", type: "integer", value: (s) => s.requests },
  { name: "errors", type: "integer", value: (s) => s.errors },
  {
    name: "latencyBoundsMs",
    type: "text",
    value: (s) => literal(s.latency.bounds),
    stored: Prisma.sql`"latencyBoundsMs"::double precision[]`,
  },
  {
    name: "latencyCounts",
    type: "text",
    value: (s) => literal(s.latency.counts),
    stored: Prisma.sql`"latencyCounts"::integer[]`,
  },
];

const CONVERSIONS: readonly Column<IntervalTraffic>[] = [
  { name: "conversionSuccesses", type: "integer", value: (s) => s.conversions?.successes ?? null },
  { name: "conversionTrials", type: "integer", value: (s) => s.conversions?.trials ?? null },
];

function keyColumns<S extends IntervalTraffic>(layout: SampleLayout<S>): Column<S>[] {
  const [first, second] = layout.keyColumns;
  return [
    { name: first, type: "text", value: (s) => layout.keyOf(s)[0] },
    { name: second, type: "text", value: (s) => layout.keyOf(s)[1] },
    {
      name: "intervalEnd",
      type: "bigint",
      value: (s) => s.intervalEnd,
      stored: Prisma.sql`timestamp 'epoch' + "intervalEnd" * interval '1 millisecond'`,
    },
  ];
}

const valueColumns = ({ conversions }: { conversions: boolean }) =>
  conversions ? [...TRAFFIC, ...CONVERSIONS] : TRAFFIC;

const quoted = (name: string) => Prisma.raw(`"${name}"`);
const names = <S>(columns: readonly Column<S>[]) => Prisma.join(columns.map((c) => quoted(c.name)));
const storedValues = <S>(columns: readonly Column<S>[]) =>
  Prisma.join(columns.map((c) => c.stored ?? quoted(c.name)));

/** The samples' rows as `input`, its columns named as in the table, and "ordinality" (1 for samples[0]). */
function unnested<S>(columns: readonly Column<S>[], samples: readonly S[]): Prisma.Sql {
  const arrays = columns.map((c) => Prisma.sql`${samples.map((s) => c.value(s))}::${Prisma.raw(c.type)}[]`);
  return Prisma.sql`unnest(${Prisma.join(arrays)}) WITH ORDINALITY AS input(${names(columns)}, "ordinality")`;
}

interface StoredKey {
  first: string;
  second: string;
  intervalEndMs: bigint;
}

function readKey<S extends IntervalTraffic>(layout: SampleLayout<S>): Prisma.Sql {
  const [first, second] = layout.keyColumns;
  return Prisma.sql`${quoted(first)} AS "first", ${quoted(second)} AS "second",
    ${sqlEpochMs(quoted("intervalEnd"))} AS "intervalEndMs"`;
}

interface StoredRow extends StoredKey {
  intervalSeconds: number;
  requests: number;
  errors: number;
  latencyBoundsMs: number[];
  latencyCounts: number[];
  /** Absent where the table stores no conversions. */
  conversionSuccesses?: number | null;
  conversionTrials?: number | null;
}

function trafficOf(row: StoredRow): IntervalTraffic {
  const traffic: IntervalTraffic = {
    intervalEnd: Number(row.intervalEndMs),
    intervalSeconds: row.intervalSeconds,
    requests: row.requests,
    errors: row.errors,
    latency: { bounds: row.latencyBoundsMs, counts: row.latencyCounts },
  };
  if (row.conversionTrials === undefined) return traffic;
  const { conversionSuccesses: successes, conversionTrials: trials } = row;
  return { ...traffic, conversions: trials === null ? null : { successes: successes ?? 0, trials } };
}
