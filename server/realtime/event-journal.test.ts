import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db/client";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { createEventJournal, type Publication } from "./event-journal";

const changed = (room: string, version: number, at: number): Publication => ({
  room,
  at,
  name: "rollout.changed",
  payload: { rolloutId: room, version, state: "running", exposurePercent: version },
});

/** The journal numbers batches of events in one statement: per room, in order, without gaps. */
describe("event journal", () => {
  let database: TestDatabase;
  let other: Db; // a second instance's connection pool
  beforeAll(async () => {
    database = await createTestDatabase();
    other = createDb(database.url);
  });
  afterAll(async () => {
    await other?.$disconnect();
    await database?.drop();
  });

  it("numbers a batch per room in the order given, keeping each event's publish time", async () => {
    const journal = createEventJournal(database.db);
    const batch = [
      changed("room-a", 1, 1_700_000_000_001),
      changed("room-b", 1, 1_700_000_000_002),
      changed("room-a", 2, 1_700_000_000_003),
      changed("room-a", 3, 1_700_000_000_004),
    ];
    const numbered = await journal.append(batch);
    expect(numbered).toEqual([
      { ...batch[0], seq: 1 },
      { ...batch[1], seq: 1 },
      { ...batch[2], seq: 2 },
      { ...batch[3], seq: 3 },
    ]);
    const next = await journal.append([changed("room-b", 2, 1_700_000_000_005)]);
    expect(next.map((e) => [e.room, e.seq])).toEqual([["room-b", 2]]);
    expect(await journal.head("room-a")).toBe(3);
    // A replay carries the same events, publish times included.
    expect(await journal.replay("room-a", 1)).toEqual({ events: numbered.slice(2) });
    expect(await journal.append([])).toEqual([]);
  });

  it("gives two instances' concurrent batches distinct numbers without gaps, rooms in any order", async () => {
    const rooms = ["room-x", "room-y", "room-z"];
    const batchFor = (order: string[], n: number) =>
      Array.from({ length: 12 }, (_, k) =>
        changed(order[k % order.length] as string, n * 100 + k, 1_700_000_000_000),
      );
    const journals = [createEventJournal(database.db), createEventJournal(other)];
    const batches = Array.from({ length: 10 }, (_, n) =>
      batchFor(n % 2 === 0 ? rooms : [...rooms].reverse(), n),
    );
    const results = await Promise.all(batches.map((batch, n) => journals[n % 2]?.append(batch)));
    for (const room of rooms) {
      const seqs = results.flatMap((events) =>
        (events ?? []).filter((e) => e.room === room).map((e) => e.seq),
      );
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, k) => k + 1));
    }
    // Each event comes back in its place, and a room's events in a batch are numbered in their order.
    results.forEach((events, n) => {
      expect(events?.map(({ room, at, name, payload }) => ({ room, at, name, payload }))).toEqual(batches[n]);
      for (const room of rooms) {
        const seqs = (events ?? []).filter((e) => e.room === room).map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      }
    });
  });
});
