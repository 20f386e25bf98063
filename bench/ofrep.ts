// `npm run bench:ofrep`: OFREP evaluations per second on one instance, with p50/p99 latency, beside the
// same evaluations in-process and a bare node:http server doing the same work. The load generator is a
// child process (keep-alive connections, bounded in time and in requests). Prints figures; not a test.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { seedDemo } from "../prisma/seed-demo";
import { createDb } from "../server/db/client";
import type { FlagValue } from "../server/domain/flags";
import { createOfrepHandler } from "../server/ofrep/ofrep-handler";
import { toOfrepBody } from "../server/ofrep/ofrep-responses";
import type { ServiceContext } from "../server/services/context";
import { EventBus } from "../server/services/events/event-bus";
import { createFlag } from "../server/services/flags/create-flag";
import { createFlagStore } from "../server/services/flags/flag-store";
import { createApiToken } from "../server/services/tokens/create-api-token";
import { startBenchDatabase } from "./bench-stack";
import { httpRequest, type LoadResult, runLoad } from "./http-load";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 400_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const KEYS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

type Measured = LoadResult & { cpuMicrosPerRequest: number };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function main() {
  const database = await startBenchDatabase();
  const db = createDb(database.url);
  const services: ServiceContext = { db, events: new EventBus(), now: () => new Date() };
  await seedDemo(db, { now: new Date(), password: "bench-password" });
  const user = await db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true, name: true } });
  const admin = { ...user, role: "admin" as const };
  // Twenty flags of every kind, with rules and percentages, beside the demo's.
  for (let i = 0; i < 20; i++) {
    const values: FlagValue[][] = [
      [false, true],
      ["a", "b"],
      [1, 2],
      [{ v: 1 }, { v: 2 }],
    ];
    await createFlag(services, admin, {
      key: `bench.flag-${i}`,
      service: "search",
      variants: (values[i % 4] as FlagValue[]).map((value, n) => ({ name: `v${n}`, value })) as {
        name: string;
        value: boolean;
      }[],
      defaultVariant: "v0",
      offVariant: "v0",
      rules: [
        {
          name: "pro",
          conditions: [{ attribute: "plan", operator: "in", values: ["pro"] }],
          serve: { variant: "v1" },
        },
      ],
      percentageVariant: "v1",
      percentage: 5 * (i + 1),
    });
  }
  const { secret } = await createApiToken(services, admin, { name: "bench", scopes: ["flags:evaluate"] });
  const store = await createFlagStore(services, { refreshIntervalMs: 0 });
  const flagKey = "bench.flag-7";
  const bulkSize = store.keys().length;

  // In-process: the same evaluation and serialisation, no HTTP.
  const contexts = Array.from({ length: KEYS }, (_, i) => ({
    targetingKey: `user-${i}`,
    plan: i % 3 === 0 ? "pro" : "free",
  }));
  const inProcess = (n: number, work: (i: number) => unknown) => {
    const start = performance.now();
    for (let i = 0; i < n; i++) work(i);
    return n / ((performance.now() - start) / 1000);
  };
  const single = (i: number) =>
    JSON.stringify(toOfrepBody(store.evaluate(flagKey, contexts[i % KEYS] as (typeof contexts)[number])));
  const bulk = (i: number) =>
    JSON.stringify({
      flags: store.evaluateAll(contexts[i % KEYS] as (typeof contexts)[number]).map(toOfrepBody),
    });
  inProcess(50_000, single);
  const inProcessSingle = inProcess(500_000, single);
  const inProcessBulk = inProcess(50_000, bulk);

  // The OFREP handler (auth cache, rate limit, body, evaluation), limit raised so the bench measures work.
  const handler = createOfrepHandler({
    store,
    services,
    rateLimit: { burst: 1_000_000, perMinute: 100_000_000 },
  });
  const ofrep = createServer(handler);
  // Bare: the same body parsing, evaluation and JSON, without auth, limits or routing.
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const { context } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        context: (typeof contexts)[number];
      };
      const body = req.url?.endsWith("/flags")
        ? JSON.stringify({ flags: store.evaluateAll(context).map(toOfrepBody) })
        : JSON.stringify(toOfrepBody(store.evaluate(flagKey, context)));
      res
        .writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) })
        .end(body);
    });
  });
  const ofrepUrl = await listen(ofrep);
  const bareUrl = await listen(bare);

  const singlePath = `/ofrep/v1/evaluate/flags/${flagKey}`;
  const bulkPath = "/ofrep/v1/evaluate/flags";
  const results: [string, Measured][] = [];
  // The server's CPU per request is this process's CPU time over the run (the load generator is a child
  // process): steadier than requests per second on a shared machine, and it is the overhead itself.
  const load = async (url: string, path: string): Promise<Measured> => {
    const cpuBefore = process.cpuUsage();
    const result = await runLoad({
      url,
      requests: contexts.map((context) =>
        httpRequest(
          "POST",
          url,
          path,
          { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
          JSON.stringify({ context }),
        ),
      ),
      seconds: SECONDS,
      maxRequests: MAX_REQUESTS,
      connections: CONNECTIONS,
      expectStatus: [200],
    });
    const cpu = process.cpuUsage(cpuBefore);
    return { ...result, cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, result.requests) };
  };
  // Runs alternate between the servers, RUNS rounds, and each reports its median round: on a shared
  // two-core machine one run can be off by a third either way (JIT warm-up, neighbours).
  const targets: [string, string, string][] = [
    ["OFREP single", ofrepUrl, singlePath],
    ["bare node:http single", bareUrl, singlePath],
    [`OFREP bulk (${bulkSize} flags)`, ofrepUrl, bulkPath],
    [`bare node:http bulk (${bulkSize} flags)`, bareUrl, bulkPath],
  ];
  for (const [, url, path] of targets) await load(url, path); // warm-up: JIT, token cache
  const rounds: Measured[][] = targets.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, [, url, path]] of targets.entries()) rounds[i]?.push(await load(url, path));
  }
  for (const [i, [name]] of targets.entries()) {
    const sorted = [...(rounds[i] ?? [])].sort((a, b) => a.requests / a.seconds - b.requests / b.seconds);
    results.push([name, sorted[Math.floor(sorted.length / 2)] as Measured]);
  }

  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(
    `\nOFREP on one instance — loopback, ${CONNECTIONS} keep-alive connections (one request in flight each) from a child process, ` +
      `${SECONDS} s or ${fmt(MAX_REQUESTS)} requests per run, median of ${RUNS} runs, ${KEYS} targeting keys\n`,
  );
  console.log(
    `${"".padEnd(36)}${"req/s".padStart(12)}${"p50 ms".padStart(10)}${"p99 ms".padStart(10)}${"server CPU µs/req".padStart(19)}  failures`,
  );
  for (const [name, r] of results) {
    console.log(
      `${name.padEnd(36)}${fmt(r.requests / r.seconds).padStart(12)}${r.p50.toFixed(2).padStart(10)}` +
        `${r.p99.toFixed(2).padStart(10)}${r.cpuMicrosPerRequest.toFixed(1).padStart(19)}  ${r.failures}`,
    );
  }
  console.log(`${"in-process single (evaluate+JSON)".padEnd(36)}${fmt(inProcessSingle).padStart(12)}`);
  console.log(`${`in-process bulk (${bulkSize} flags)`.padEnd(36)}${fmt(inProcessBulk).padStart(12)}`);

  store.close();
  for (const server of [ofrep, bare]) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
  await db.$disconnect();
  await database.stop();
}

await main();
