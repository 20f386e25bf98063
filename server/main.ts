import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { seedDemo } from "../prisma/seed-demo";
import { createAuthOptions } from "./auth/auth-options";
import { loadOrCreateAuthSecret } from "./auth/auth-secret";
import { oidcConfigFromEnv } from "./auth/oidc-config";
import { createSessionRevocations } from "./auth/session-revocation";
import { EXPOSURE_CHANNEL, listenForChanges } from "./db/change-listener";
import { createDb } from "./db/client";
import { startEmbeddedPostgres } from "./db/embedded-postgres";
import { migrate } from "./db/migrate";
import { writeDemoCredentials } from "./demo-credentials";
import { DEFAULT_RETRY_POLICY } from "./domain/notifications";
import type { Env } from "./env";
import { UnknownTokenGuard } from "./http/rate-limit";
import { createRequestRouter } from "./http/request-router";
import { securityConfigFromEnv } from "./http/security-config";
import { createMetricSource, type MetricSourceConfig } from "./metrics/metric-source";
import { loadPrometheusQueries } from "./metrics/prometheus-queries";
import { attachPostgresAdapter } from "./realtime/postgres-adapter";
import { attachRealtime } from "./realtime/socket-server";
import { startDemoReleases } from "./scheduler/demo-releases";
import { type Leadership, startLeadership } from "./scheduler/leadership";
import { startNotificationDispatcher } from "./scheduler/notification-dispatcher";
import { startRolloutScheduler } from "./scheduler/rollout-scheduler";
import { startSampleRetention } from "./scheduler/sample-retention";
import { startSloWatch } from "./scheduler/slo-watch";
import { judgeStep } from "./services/analysis/judge-step";
import type { ServiceContext } from "./services/context";
import { EventBus } from "./services/events/event-bus";
import { createExposureStore } from "./services/exposure/exposure-store";
import { createFlagStore } from "./services/flags/flag-store";

export interface RunningSluice {
  url: string;
  stop(): Promise<void>;
}

const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");

/**
 * Starts everything on one HTTP server: the database (embedded unless DATABASE_URL is set), pending
 * migrations, the demo seed on an empty database, Next's pages, the server's own endpoints, socket.io
 * and the simulator. `stop()` undoes it in reverse order.
 */
export async function startSluice(env: Env, options: { dev: boolean; log: (line: string) => void }) {
  const { log } = options;
  const dataDir = path.resolve(env.SLUICE_DATA_DIR);
  const embedded = env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres(path.join(dataDir, "db"), env.SLUICE_EMBEDDED_PG_PORT);
  const stops: (() => Promise<void>)[] = [];
  if (embedded) stops.unshift(embedded.stop);
  const stopAll = async () => {
    for (const stop of stops.splice(0)) await stop().catch((e) => log(`shutdown: ${(e as Error).message}`));
  };
  try {
    const databaseUrl = env.DATABASE_URL ?? (embedded?.url as string);
    const applied = await migrate(databaseUrl);
    if (applied.length) log(`Applied migrations: ${applied.join(", ")}`);

    const db = createDb(databaseUrl);
    stops.unshift(() => db.$disconnect());
    const services: ServiceContext = { db, events: new EventBus(), now: () => new Date() };
    if (env.SLUICE_SEED_DEMO && (await db.user.count()) === 0) {
      const credentials = await seedDemo(db, { now: services.now(), password: env.SLUICE_DEMO_PASSWORD });
      const file = await writeDemoCredentials(dataDir, credentials);
      log(`Seeded the demo. Sign in with one of these (also saved to ${file}):`);
      for (const c of credentials) log(`  ${c.role.padEnd(16)} ${c.email.padEnd(28)} ${c.password}`);
    }

    // Flags and exposure are read from memory; every instance hears of every committed change through
    // PostgreSQL, so a kill on one instance reaches the others' evaluations at once.
    const exposureChanges = listenForChanges(databaseUrl, EXPOSURE_CHANNEL, {
      onError: (e) => log(`exposure change listener: ${describeError(e)}`),
    });
    stops.unshift(exposureChanges.close);
    // After the seed, so the demo's flags are in memory from the first request.
    const flagStore = await createFlagStore(services, {
      changes: exposureChanges,
      onError: (e) => log(`flag store: ${describeError(e)}`),
    });
    stops.unshift(async () => flagStore.close());
    const exposureStore = createExposureStore(services, exposureChanges);
    stops.unshift(async () => exposureStore.close());

    const secret = await loadOrCreateAuthSecret(dataDir, env.NEXTAUTH_SECRET);
    const publicUrl = env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`;
    process.env.NEXTAUTH_URL = publicUrl;

    const nextApp = next({ dev: options.dev, dir: PROJECT_ROOT, hostname: env.HOST, port: env.PORT });
    await nextApp.prepare();
    stops.unshift(() => nextApp.close());

    // One view of revoked sessions for sign-in, tRPC and sockets alike.
    const sessions = createSessionRevocations({ db, events: services.events });
    stops.unshift(async () => sessions.close());
    let leadership: Leadership | null = null;
    const security = securityConfigFromEnv();
    const unknownTokens = new UnknownTokenGuard(security.rateLimits.unknownTokens, security.trustedProxyHops);
    const handle = createRequestRouter({
      services,
      authOptions: createAuthOptions(services, secret, {
        sessions,
        publicUrl,
        oidc: oidcConfigFromEnv(env),
        log,
      }),
      secret,
      sessions,
      nextHandler: nextApp.getRequestHandler(),
      log,
      metricsToken: env.SLUICE_METRICS_TOKEN,
      flagStore,
      exposureStore,
      databaseUrl,
      isLeader: () => leadership?.isLeader() ?? false,
      metricsSource: env.SLUICE_METRICS_SOURCE,
      security,
      unknownTokens,
    });
    const server = createServer((req, res) => {
      handle(req, res).catch((error) => {
        log(`request ${req.method} ${req.url} failed: ${(error as Error).stack}`);
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ code: "INTERNAL", message: "Internal error" }));
      });
    });
    const realtime = attachRealtime(server, {
      secret,
      sessions,
      events: services.events,
      db: services.db,
      unknownTokens,
      onError: (error) => log(`realtime: ${describeError(error)}`),
    });
    // Dashboards on any instance get every event: socket.io's PostgreSQL adapter, no bespoke fan-out.
    const closeAdapter = attachPostgresAdapter(realtime.io, databaseUrl, {
      onError: (error) => log(`socket adapter: ${describeError(error)}`),
    });
    stops.unshift(closeAdapter);
    stops.unshift(realtime.close); // runs first: io.close() releases the adapter's LISTEN client

    const metricConfig = await metricSourceConfig(env);
    // One instance runs the background loops at a time; another takes over when it dies.
    leadership = startLeadership({
      databaseUrl,
      log,
      onElected: async () => {
        // A fresh source per term: a metric source cannot start again once stopped.
        const metricSource = createMetricSource(services, metricConfig, log);
        metricSource.start();
        const scheduler = startRolloutScheduler(services, {
          judge: judgeStep,
          intervalMs: 1000,
          onError: (error) => log(`scheduler: ${describeError(error)}`),
        });
        const sloWatch = startSloWatch(services, {
          intervalMs: 30_000,
          onError: (error) => log(`slo-watch: ${describeError(error)}`),
        });
        const sampleRetention = startSampleRetention(services, {
          retentionDays: env.SLUICE_SAMPLE_RETENTION_DAYS,
          intervalMs: 3_600_000,
          onPruned: ({ cohort, service }) =>
            log(`sample retention: deleted ${cohort} cohort and ${service} service samples`),
          onError: (error) => log(`sample retention: ${describeError(error)}`),
        });
        const notifications = startNotificationDispatcher(services, {
          baseUrl: (env.SLUICE_PUBLIC_URL ?? publicUrl).replace(/\/+$/, ""),
          timeoutMs: env.SLUICE_NOTIFICATION_TIMEOUT_SECONDS * 1000,
          retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: env.SLUICE_NOTIFICATION_MAX_ATTEMPTS },
          intervalMs: 2000,
          onError: (error) => log(`notifications: ${describeError(error)}`),
        });
        // Demo rollouts are only judged on simulated traffic, so their next releases need the simulator.
        const demoReleases =
          metricConfig.kind === "simulator" && env.SLUICE_DEMO_NEXT_RELEASES
            ? startDemoReleases(services, {
                intervalMs: 30_000,
                onError: (error) => log(`demo releases: ${describeError(error)}`),
              })
            : null;
        return async () => {
          await demoReleases?.stop();
          await notifications.stop();
          await sampleRetention.stop();
          await sloWatch.stop();
          await scheduler.stop();
          await metricSource.stop();
        };
      },
    });
    stops.unshift(leadership.stop);

    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(env.PORT, env.HOST, resolve);
    });
    stops.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    return { url: publicUrl, stop: stopAll } satisfies RunningSluice;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function metricSourceConfig(env: Env): Promise<MetricSourceConfig> {
  switch (env.SLUICE_METRICS_SOURCE) {
    case "simulator":
      return {
        kind: "simulator",
        intervalSeconds: env.SLUICE_SIMULATOR_INTERVAL_SECONDS,
        requestsPerSecond: env.SLUICE_SIMULATOR_REQUESTS_PER_SECOND,
      };
    case "push":
      return { kind: "push" };
    case "prometheus":
      return {
        kind: "prometheus",
        url: env.SLUICE_PROMETHEUS_URL as string,
        intervalSeconds: env.SLUICE_PROMETHEUS_INTERVAL_SECONDS,
        queryDelaySeconds: env.SLUICE_PROMETHEUS_QUERY_DELAY_SECONDS,
        timeoutMs: env.SLUICE_PROMETHEUS_TIMEOUT_SECONDS * 1000,
        queries: await loadPrometheusQueries(env.SLUICE_PROMETHEUS_QUERIES_FILE),
      };
  }
}

function describeError(error: unknown): string {
  if (error instanceof AggregateError)
    return `${error.message}: ${error.errors.map(describeError).join("; ")}`;
  return error instanceof Error ? error.message : String(error);
}
