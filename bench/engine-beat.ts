// Part of npm run bench:analysis — the live engine's beat with 1,000 holding rollouts on PostgreSQL: one
// that judges them all (each step's samples loaded, evaluated, the evaluation stored), beats where nothing
// changed (the memo of judgements), and a beat after a new interval for a tenth of them.
import { performance } from "node:perf_hooks";
import { createDb } from "../server/db/client";
import { defaultGates } from "../server/domain/analysis";
import { judgeStep } from "../server/services/analysis/judge-step";
import type { ServiceContext } from "../server/services/context";
import { EventBus } from "../server/services/events/event-bus";
import { ingestSamples } from "../server/services/metrics/ingest-samples";
import { type JudgementMemo, progressRollouts } from "../server/services/rollouts/progress-rollouts";
import { benchInterval, startCanaryRollout } from "./bench-rollouts";
import { startBenchDatabase } from "./bench-stack";

const ROLLOUTS = Number(process.env.BENCH_ROLLOUTS ?? 1000);
const INTERVALS = 30;
const INTERVAL_MS = 10_000;

const database = await startBenchDatabase();
const db = createDb(database.url);
// The benchmark moves time itself: thirty intervals of samples without waiting five minutes.
let clock = Date.now();
const services: ServiceContext = { db, events: new EventBus(), now: () => new Date(clock) };

async function ingest(ids: readonly string[], end: number) {
  const samples = ids.flatMap((id) => benchInterval(id, end, INTERVAL_MS / 1000));
  for (let i = 0; i < samples.length; i += 500) await ingestSamples(services, samples.slice(i, i + 500));
}

async function timedBeat(memo: JudgementMemo) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const evaluationsBefore = await db.stepEvaluation.count();
  await progressRollouts(services, judgeStep, { memo });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const stored = (await db.stepEvaluation.count()) - evaluationsBefore;
  return { ms, cpuMs: (used.user + used.system) / 1000, stored };
}

try {
  const ids: string[] = [];
  for (let i = 0; i < ROLLOUTS; i++) ids.push(await startCanaryRollout(services, `beat-${i}`, 3600));
  const memo: JudgementMemo = new Map();
  await progressRollouts(services, judgeStep, { memo }); // every rollout ramps into its first hold
  const start = clock;
  for (let k = 1; k <= INTERVALS; k++) await ingest(ids, start + k * INTERVAL_MS);
  clock = start + INTERVALS * INTERVAL_MS + 2_000;

  const all = await timedBeat(memo);
  const quiet: number[] = [];
  for (let b = 0; b < 5; b++) {
    clock += 1_000;
    quiet.push((await timedBeat(memo)).ms);
  }
  const tenth = ids.slice(0, Math.ceil(ROLLOUTS / 10));
  await ingest(tenth, start + (INTERVALS + 1) * INTERVAL_MS);
  clock += 1_000;
  const some = await timedBeat(memo);
  const perSecond = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString("en-US");
  console.log(
    `engine beat, ${ROLLOUTS.toLocaleString("en-US")} holding rollouts with ${INTERVALS} intervals each: judging all ${all.ms.toFixed(0)} ms (${all.cpuMs.toFixed(0)} ms CPU, ${perSecond(all.stored, all.ms)} step judgements/s, each ${defaultGates().length} gates, stored); nothing changed ${Math.min(...quiet).toFixed(0)}–${Math.max(...quiet).toFixed(0)} ms; a new interval for ${tenth.length} ${some.ms.toFixed(0)} ms (${some.stored} judged)`,
  );
} finally {
  await db.$disconnect();
  await database.stop();
}
