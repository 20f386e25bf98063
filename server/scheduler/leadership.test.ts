import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { LEADER_LOCK_KEY, type Leadership, startLeadership } from "./leadership";

const RETRY_MS = 100;

interface Instance {
  name: string;
  leadership: Leadership;
  elected: number;
  stopped: number;
}

describe("leadership", () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let running: Instance[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.all(running.map((instance) => instance.leadership.stop()));
    running = [];
  });
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });

  function start(name: string): Instance {
    const instance: Instance = {
      name,
      elected: 0,
      stopped: 0,
      leadership: undefined as unknown as Leadership,
    };
    instance.leadership = startLeadership({
      databaseUrl: database.url,
      retryMs: RETRY_MS,
      log: () => {},
      onElected: async () => {
        instance.elected += 1;
        return async () => {
          instance.stopped += 1;
        };
      },
    });
    running.push(instance);
    return instance;
  }

  const leaders = () => running.filter((instance) => instance.leadership.isLeader());

  /** The pid of the session holding the leader lock in this database, if any. */
  async function lockHolderPid(): Promise<number | undefined> {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND d.datname = current_database()`,
      [LEADER_LOCK_KEY],
    );
    return rows[0]?.pid;
  }

  it("elects exactly one of two instances, and keeps it", async () => {
    const a = start("a");
    const b = start("b");
    await expect.poll(() => leaders().length, { timeout: 5000 }).toBe(1);
    // Many retry periods later, still one leader, elected once.
    await sleep(RETRY_MS * 10);
    expect(leaders()).toHaveLength(1);
    expect(a.elected + b.elected).toBe(1);
    expect(await lockHolderPid()).toBeTypeOf("number");
  });

  it("hands over within a few seconds when the leader stops, and stop() releases the lock", async () => {
    start("a");
    start("b");
    await expect.poll(() => leaders().length, { timeout: 5000 }).toBe(1);
    const [leader] = leaders() as [Instance];
    const [follower] = running.filter((instance) => instance !== leader) as [Instance];

    const stoppedAt = Date.now();
    await leader.leadership.stop();
    expect(leader.stopped).toBe(1);
    expect(leader.leadership.isLeader()).toBe(false);
    await expect.poll(() => follower.leadership.isLeader(), { timeout: 3000 }).toBe(true);
    expect(Date.now() - stoppedAt).toBeLessThan(3000);

    await follower.leadership.stop();
    expect(follower.stopped).toBe(1);
    await expect.poll(lockHolderPid, { timeout: 2000 }).toBeUndefined();
  });

  it("steps down when the leader's session is killed, and one instance leads again", async () => {
    start("a");
    start("b");
    await expect.poll(() => leaders().length, { timeout: 5000 }).toBe(1);
    const [leader] = leaders() as [Instance];
    const pid = await lockHolderPid();
    expect(pid).toBeTypeOf("number");

    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await expect.poll(() => leader.stopped, { timeout: 3000 }).toBe(1);

    await expect.poll(() => leaders().length, { timeout: 5000 }).toBe(1);
    expect(await lockHolderPid()).not.toBe(pid);
    // Every election but the current one has been followed by its stop.
    const elected = running.reduce((sum, instance) => sum + instance.elected, 0);
    const stopped = running.reduce((sum, instance) => sum + instance.stopped, 0);
    expect(elected - stopped).toBe(1);
  });
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
