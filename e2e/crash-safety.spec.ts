import { expect, test } from "@playwright/test";
import { createDb, type Db } from "../server/db/client";
import { rolloutInvariantViolations } from "../server/domain/rollout/invariants";
import { snapshotSelect, toSnapshot } from "../server/services/rollouts/rollout-snapshot";
import { seededRandom } from "../server/testing/seeded-random";
import { issueToken, type Rest, restClient, shortPlan } from "./instance-client";
import {
  instanceEnv,
  newDataDir,
  type ServerProcess,
  type SharedDatabase,
  signalServer,
  startServer,
  startSharedDatabase,
} from "./server-process";

/**
 * The server SIGKILLed again and again at random moments while a script drives rollouts (creating,
 * starting, pausing, resuming, killing, aborting, each with an idempotency key) and the scheduler
 * ramps them. After every crash the database, which the next start carries on from, must hold only
 * legal rollouts whose exposure is what their audit history says, and every command that was answered
 * 2xx must still be there.
 */
const base = Number(process.env.E2E_PORT ?? 3999) + 60;
const port = base + 2;
const url = `http://127.0.0.1:${port}`;
const KILLS = Number(process.env.SLUICE_CRASH_KILLS ?? 50);
const random = seededRandom(Number(process.env.SLUICE_CRASH_SEED ?? 2026));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const COMMANDS = ["start", "pause", "resume", "advance", "kill", "abort"] as const;

/** A command the server answered 2xx: it must survive any later crash. */
interface Accepted {
  rolloutId: string;
  type: (typeof COMMANDS)[number];
  key: string;
  body: Record<string, unknown>;
}

let database: SharedDatabase;
let db: Db;

test.beforeAll(async () => {
  database = await startSharedDatabase(base);
});

test.afterAll(async () => {
  await db?.$disconnect();
  await database?.stop();
});

/** Drives rollouts until the server stops answering; records what was accepted. */
async function script(
  rest: Rest,
  round: number,
  rollouts: string[],
  accepted: Accepted[],
  statuses: Map<number, number>,
  /** Called once per reply while the server answers: arms the crash only once there is work in flight. */
  onReply: () => void,
) {
  for (let i = 0; ; i++) {
    if (rollouts.length < 3 || random() < 0.1) {
      const service = `crash-${round}-${i}`;
      const release = { service, environment: "production", version: "1.0.0" };
      const deploy = await rest("POST", "/deploys", { ...release, artifact: `registry.local/${service}:1` });
      if (deploy.status === 0) return;
      const created = await rest(
        "POST",
        "/rollouts",
        { ...release, mechanism: "canary", steps: shortPlan([5, 25, 50, 100], 2) },
        { "idempotency-key": `create-${round}-${i}` },
      );
      if (created.status === 0) return;
      statuses.set(created.status, (statuses.get(created.status) ?? 0) + 1);
      if (created.status < 300) rollouts.push(created.json.id as string);
      onReply();
      continue;
    }
    const rolloutId = pick(rollouts);
    const type = pick(COMMANDS);
    const key = `${type}-${round}-${i}`;
    const body =
      type === "kill" || type === "abort" || type === "pause" ? { reason: `crash script ${key}` } : {};
    const reply = await rest("POST", `/rollouts/${rolloutId}/${type}`, body, { "idempotency-key": key });
    statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    if (reply.status === 0) return;
    if (reply.status < 300) accepted.push({ rolloutId, type, key, body });
    onReply();
  }
}

/** What the next start finds: legal rollouts, exposure as audited, every accepted command stored. */
async function checkAfterCrash(rollouts: string[], accepted: Accepted[]) {
  const rows = await db.rollout.findMany({ select: snapshotSelect });
  for (const rollout of rows.map(toSnapshot)) {
    expect(rolloutInvariantViolations(rollout), rollout.id).toEqual([]);
    const history = await db.auditEvent.findMany({
      where: { targetId: rollout.id, targetType: "rollout" },
      orderBy: { id: "desc" },
      select: { after: true },
    });
    // The newest event that says where exposure went (repeats and annotations say nothing about it).
    const audited = history
      .map((e) => (e.after as { exposurePercent?: unknown } | null)?.exposurePercent)
      .find((percent) => typeof percent === "number");
    expect(audited ?? 0, `exposure of ${rollout.id}`).toBe(rollout.exposurePercent);
  }
  const ids = new Set(rows.map((r) => r.id));
  expect(rollouts.filter((id) => !ids.has(id))).toEqual([]);
  // Stored with its outcome, in the same transaction as the change it made.
  const keys = accepted.map((a) => `${a.type}:${a.rolloutId}:${a.key}`);
  const rowsOfKeys = await db.idempotencyKey.findMany({
    where: { key: { in: keys } },
    select: { key: true, result: true },
  });
  const stored = new Set(
    rowsOfKeys.filter((k) => (k.result as { rollout?: unknown }).rollout !== undefined).map((k) => k.key),
  );
  expect(keys.filter((k) => !stored.has(k))).toEqual([]);
}

test(`${KILLS} random SIGKILLs during scripted rollouts lose no accepted command`, async () => {
  test.setTimeout(KILLS * 60_000);
  const started = Date.now();
  const env = instanceEnv(database, url);
  const dataDir = newDataDir("crash-safety");
  const rollouts: string[] = [];
  const accepted: Accepted[] = [];
  let rest: Rest | null = null;
  let startupMs = 0;
  const statuses = new Map<number, number>();
  for (let round = 0; round < KILLS; round++) {
    const startedAt = Date.now();
    const server: ServerProcess = startServer(port, dataDir, env);
    await server.up;
    startupMs += Date.now() - startedAt;
    db ??= createDb(database.url);
    rest ??= restClient(url, await issueToken(database.url));
    // The crash comes at a random moment once the script has a few rollouts and is issuing commands.
    let armed: () => void = () => {};
    const working = new Promise<void>((resolve) => {
      armed = resolve;
    });
    const work = script(rest, round, rollouts, accepted, statuses, () => {
      if (rollouts.length >= 3) armed();
    });
    await Promise.race([working, work]);
    await new Promise((r) => setTimeout(r, random() * 3_000));
    await signalServer(server, "SIGKILL");
    await work;
    await checkAfterCrash(rollouts, accepted);
    if (process.env.SLUICE_CRASH_VERBOSE) console.log(`round ${round}: ${accepted.length} accepted so far`);
  }

  // A last start: every accepted command is recognised as done, none is applied a second time.
  const server = startServer(port, dataDir, env);
  await server.up;
  try {
    for (const command of accepted) {
      const again = await (rest as Rest)(
        "POST",
        `/rollouts/${command.rolloutId}/${command.type}`,
        command.body,
        { "idempotency-key": command.key },
      );
      expect(again.status, JSON.stringify(again.json)).toBe(200);
      expect(again.json.repeated, command.key).toBe(true);
    }
    const verified = await (rest as Rest)("GET", "/audit/verify");
    expect(verified.json).toMatchObject({ result: { ok: true } });
  } finally {
    await signalServer(server, "SIGTERM");
  }
  console.log(
    `crash safety: ${KILLS} kills, ${accepted.length} accepted commands, ${rollouts.length} rollouts, ` +
      `replies by status ${JSON.stringify(Object.fromEntries(statuses))}, ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s in all, of which ${(startupMs / 1000).toFixed(0)} s server startup`,
  );
  expect(accepted.length).toBeGreaterThan(0); // the script really got commands through
});
