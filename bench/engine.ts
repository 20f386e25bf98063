// npm run bench:engine — rollout commands per second through the service and PostgreSQL, and the time
// from a kill request to the exposure endpoint serving the reverted state.
import { performance } from "node:perf_hooks";
import { systemActor } from "../server/services/actors";
import { registerDeploy } from "../server/services/deploys/register-deploy";
import { createRollout } from "../server/services/rollouts/create-rollout";
import { runRolloutCommand } from "../server/services/rollouts/run-rollout-command";
import { percentiles, startBenchStack } from "./bench-stack";

const ROLLOUTS = 200;
const COMMANDS = 2_000;
const CONCURRENCY = 8;
const KILLS = 200;

const stack = await startBenchStack();
const { services, api } = stack;
const releaseManager = { id: "bench", name: "bench", role: "release_manager" as const };
try {
  const ids: string[] = [];
  for (let i = 0; i < ROLLOUTS + KILLS; i++) {
    const service = `bench-${i}`;
    await registerDeploy(services, systemActor("bench"), {
      service,
      environment: "prod",
      version: "1.0.0",
      artifact: "a",
    });
    const { id } = await createRollout(services, releaseManager, {
      service,
      environment: "prod",
      version: "1.0.0",
      mechanism: "canary",
    });
    await runRolloutCommand(services, releaseManager, id, { type: "start" });
    ids.push(id);
  }
  const commandTargets = ids.slice(0, ROLLOUTS);
  const killTargets = ids.slice(ROLLOUTS);

  // Pause and resume alternate, so every command is a real transition with its audit event.
  const nextCommand = (n: number) => ({ type: n % 2 === 0 ? "pause" : "resume" }) as const;
  let started = performance.now();
  for (let n = 0; n < COMMANDS; n++) {
    await runRolloutCommand(
      services,
      releaseManager,
      commandTargets[Math.floor(n / 2) % ROLLOUTS] as string,
      nextCommand(n),
    );
  }
  const sequential = COMMANDS / ((performance.now() - started) / 1000);

  started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      const mine = commandTargets.filter((_, i) => i % CONCURRENCY === worker);
      for (let n = 0; n < COMMANDS / CONCURRENCY; n++) {
        await runRolloutCommand(
          services,
          releaseManager,
          mine[Math.floor(n / 2) % mine.length] as string,
          nextCommand(n),
        );
      }
    }),
  );
  const concurrent = COMMANDS / ((performance.now() - started) / 1000);

  const token = await api.token(["rollouts:write", "read"]);
  const killToExposure: number[] = [];
  for (const [i, id] of killTargets.entries()) {
    const t0 = performance.now();
    const kill = await api.request("POST", `/api/v1/rollouts/${id}/kill`, {
      token,
      body: { reason: "bench kill", idempotencyKey: `bench-${i}` },
    });
    if (kill.status !== 200) throw new Error(`kill answered ${kill.status}: ${kill.text}`);
    for (;;) {
      const exposure = await api.request("GET", `/api/v1/exposure/bench-${ROLLOUTS + i}`, { token });
      const body = exposure.json as {
        rollouts: { rolloutId: string; exposure: { exposurePercent: number } }[];
      };
      if (body.rollouts.find((r) => r.rolloutId === id)?.exposure.exposurePercent === 0) break;
    }
    killToExposure.push(performance.now() - t0);
  }
  const latency = percentiles(killToExposure);

  console.log("bench:engine (embedded PostgreSQL 18, loopback HTTP)");
  console.log(
    `  commands through service + database, sequential:      ${sequential.toFixed(0)} /s (${COMMANDS} pause/resume)`,
  );
  console.log(
    `  commands through service + database, ${CONCURRENCY} concurrent:  ${concurrent.toFixed(0)} /s`,
  );
  console.log(
    `  kill request → exposure endpoint shows last-known-good: median ${latency.median.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms (${KILLS} kills)`,
  );
} finally {
  await stack.stop();
}
