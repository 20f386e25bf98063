import type { ChangeFeed } from "../../db/change-listener";
import {
  type EvaluableFlag,
  type EvaluationContext,
  evaluateFlag,
  type FlagEvaluation,
  type SegmentDefinition,
} from "../../domain/flags";
import type { ServiceContext } from "../context";

import {
  type FlagDefinitionRow,
  flagDefinitionSelect,
  segmentSelect,
  toFlagDefinition,
  toSegment,
} from "./flag-rows";

/** In-memory flags for the hot path: evaluation reads no database. */
export interface FlagStore {
  /** FLAG_NOT_FOUND for an unknown or archived key. */
  evaluate(key: string, context: EvaluationContext): FlagEvaluation;
  /** Every flag, by key: the OFREP bulk evaluation. */
  evaluateAll(context: EvaluationContext): FlagEvaluation[];
  keys(): string[];
  /** Re-reads flags, segments and exposures. Calls during a read share one more read after it. */
  reload(): Promise<void>;
  /** When the database was last read. */
  loadedAt(): Date;
  /** Stops listening and the periodic refresh. */
  close(): void;
}

export interface FlagStoreOptions {
  /**
   * Committed writes of other instances (PostgreSQL NOTIFY, server/db/change-listener): each one, and each
   * time listening stops or starts again, re-reads at once — a kill on another instance reaches this
   * one's evaluations within a round trip, not at the next periodic re-read.
   */
  changes?: Pick<ChangeFeed, "subscribe">;
  /** Full re-read as a safety net (e.g. while not listening); 0 disables. Default 30 s. */
  refreshIntervalMs?: number;
  /**
   * A failed background reload keeps the last snapshot, reports here and is retried. Default: console.error.
   */
  onError?: (error: unknown) => void;
  /** Waits before each retry of a failed background reload, the last one repeating. Default 250 ms … 2 s. */
  retryDelaysMs?: readonly number[];
}

const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000];

interface Exposure {
  percent: number;
  version: number;
}

async function readSnapshot(ctx: ServiceContext) {
  const [flags, segments] = await Promise.all([
    ctx.db.flag.findMany({ where: { archivedAt: null }, select: flagDefinitionSelect }),
    ctx.db.segment.findMany({ select: segmentSelect }),
  ]);
  return { flags, segments: new Map(segments.map((s) => [s.key, toSegment(s)])) };
}

/**
 * Loads every unarchived flag, the segments and the linked rollouts' exposures, then keeps them current:
 * a `rollout.changed` event sets the flag's percentage from its payload at once (newer versions only), a
 * flag or segment write triggers a re-read, and so does every change another instance commits (`changes`).
 */
export async function createFlagStore(
  ctx: ServiceContext,
  options: FlagStoreOptions = {},
): Promise<FlagStore> {
  const onError = options.onError ?? ((error: unknown) => console.error("flag store reload failed", error));
  let rows = new Map<string, FlagDefinitionRow>();
  let segments: ReadonlyMap<string, SegmentDefinition> = new Map();
  let flags = new Map<string, EvaluableFlag>();
  let sortedKeys: string[] = [];
  /** Rollout id → flag key, for the rollouts driving a flag. */
  let flagOfRollout = new Map<string, string>();
  /** Newest exposure seen per rollout, from reads or events, whichever is newer: one entry per rollout. */
  const exposures = new Map<string, Exposure>();
  let loadedAt = ctx.now();

  const evaluable = (row: FlagDefinitionRow): EvaluableFlag => {
    const exposure = row.rollout ? exposures.get(row.rollout.id) : undefined;
    return { ...toFlagDefinition(row, exposure?.percent), segments };
  };

  async function load(): Promise<void> {
    const read = await readSnapshot(ctx);
    for (const row of read.flags) {
      if (!row.rollout) continue;
      const known = exposures.get(row.rollout.id);
      if (!known || row.rollout.version >= known.version) {
        exposures.set(row.rollout.id, { percent: row.rollout.exposurePercent, version: row.rollout.version });
      }
    }
    segments = read.segments;
    rows = new Map(read.flags.map((row) => [row.key, row]));
    flags = new Map(read.flags.map((row) => [row.key, evaluable(row)]));
    sortedKeys = [...flags.keys()].sort();
    flagOfRollout = new Map(read.flags.flatMap((row) => (row.rollout ? [[row.rollout.id, row.key]] : [])));
    loadedAt = ctx.now();
  }

  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  function reload(): Promise<void> {
    if (!running) {
      running = load().finally(() => {
        running = null;
      });
      return running;
    }
    // A read already under way may predate the change that asked for this one: read once more after it.
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return reload();
      });
    return queued;
  }

  // A failed background read may have missed a change (a kill): re-read soon, not at the next periodic
  // refresh 30 s away (or never, with it off), until a read succeeds. One retry is pending at a time.
  const retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  function retryLater(error: unknown): void {
    onError(error);
    if (closed || retry) return;
    const delay = retryDelays[Math.min(failures, retryDelays.length - 1)];
    failures++;
    retry = setTimeout(() => {
      retry = null;
      reload().then(() => {
        failures = 0;
      }, retryLater);
    }, delay);
    retry.unref?.();
  }
  const reloadInBackground = () => {
    reload().catch(retryLater);
  };

  /** A rollout's exposure, newer versions only; a flag it drives evaluates with it from now on. */
  function setExposure(rolloutId: string, percent: number, version: number): void {
    const known = exposures.get(rolloutId);
    if (known && version <= known.version) return;
    exposures.set(rolloutId, { percent, version });
    const key = flagOfRollout.get(rolloutId);
    const row = key === undefined ? undefined : rows.get(key);
    if (row) flags.set(row.key, evaluable(row));
  }

  /**
   * Another instance committed to `table` (null: maybe to anything). A rollout's change only moves the
   * exposure of the flags rollouts drive, one small read; releases show in no flag.
   */
  async function catchUp(table: string | null): Promise<void> {
    if (table === "Release") return;
    if (table !== "Rollout") return reload();
    if (flagOfRollout.size === 0) return;
    const driving = await ctx.db.rollout.findMany({
      where: { id: { in: [...flagOfRollout.keys()] } },
      select: { id: true, exposurePercent: true, version: true },
    });
    for (const r of driving) setExposure(r.id, r.exposurePercent, r.version);
  }

  // Listen before the first read, so a change committed during it is not lost.
  const unsubscribeRollouts = ctx.events.subscribe("rollout.changed", (change) =>
    setExposure(change.rolloutId, change.exposurePercent, change.version),
  );
  const unsubscribeFlags = ctx.events.subscribe("flag.changed", reloadInBackground);
  const unsubscribeChanges =
    options.changes?.subscribe((table) => {
      catchUp(table).catch(retryLater);
    }) ?? (() => {});
  const unsubscribe = () => {
    unsubscribeRollouts();
    unsubscribeFlags();
    unsubscribeChanges();
  };
  try {
    await reload();
  } catch (error) {
    unsubscribe();
    throw error;
  }
  const timer =
    (options.refreshIntervalMs ?? 30_000) > 0
      ? setInterval(reloadInBackground, options.refreshIntervalMs ?? 30_000)
      : null;
  timer?.unref();

  return {
    evaluate(key, context) {
      const flag = flags.get(key);
      if (!flag)
        return { key, reason: "ERROR", errorCode: "FLAG_NOT_FOUND", errorDetails: `No flag with key ${key}` };
      return evaluateFlag(flag, context);
    },
    evaluateAll(context) {
      return sortedKeys.map((key) => evaluateFlag(flags.get(key) as EvaluableFlag, context));
    },
    keys: () => [...sortedKeys],
    reload,
    loadedAt: () => loadedAt,
    close() {
      closed = true;
      unsubscribe();
      if (timer) clearInterval(timer);
      if (retry) clearTimeout(retry);
    },
  };
}
