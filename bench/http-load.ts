// A load generator for the benchmarks: raw keep-alive HTTP/1.1 sockets, one request in flight on each,
// in a child process so it does not share the event loop of the server under test. Raw sockets with
// prebuilt requests, because node:http's client costs more CPU per request than the server under test.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import { percentiles } from "./bench-stack";

export interface LoadPlan {
  /** Origin of the server, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Complete requests (see httpRequest), sent in turn. */
  requests: string[];
  seconds: number;
  maxRequests: number;
  connections: number;
  /** Status codes that count as answered as expected; anything else is a failure. */
  expectStatus: number[];
}

export interface LoadResult {
  requests: number;
  failures: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** One HTTP/1.1 request as sent on the wire. */
export function httpRequest(
  method: string,
  url: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): string {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${new URL(url).host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${body ?? ""}`;
}

/** Runs the plan in a child process and returns what it measured. */
export function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, "--load"], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LoadResult)
        : reject(new Error(`load generator exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(plan));
  });
}

async function generateLoad(plan: LoadPlan): Promise<LoadResult> {
  const target = new URL(plan.url);
  const requests = plan.requests.map((r) => Buffer.from(r));
  const expected = new Set(plan.expectStatus);
  const latencies: number[] = [];
  let sent = 0;
  let failures = 0;
  const started = performance.now();
  const deadline = started + plan.seconds * 1000;
  const worker = () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(Number(target.port), target.hostname);
      socket.setNoDelay(true);
      let buffer: Buffer = Buffer.alloc(0);
      let at = 0;
      const next = () => {
        if (sent >= plan.maxRequests || performance.now() >= deadline) {
          socket.end();
          resolve();
          return;
        }
        at = performance.now();
        socket.write(requests[sent++ % requests.length] as Buffer);
      };
      socket.on("connect", next);
      socket.on("error", reject);
      socket.on("data", (chunk: Buffer) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        const headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd === -1) return;
        const head = buffer.toString("latin1", 0, headEnd);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < headEnd + 4 + length) return;
        buffer = buffer.subarray(headEnd + 4 + length);
        latencies.push(performance.now() - at);
        if (!expected.has(Number(head.slice(9, 12)))) failures++;
        next();
      });
    });
  await Promise.all(Array.from({ length: plan.connections }, worker));
  const { median, p99 } = percentiles(latencies);
  return {
    requests: latencies.length,
    failures,
    seconds: (performance.now() - started) / 1000,
    p50: median,
    p99,
  };
}

if (process.argv[1] === import.meta.filename && process.argv[2] === "--load") {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  process.stdout.write(JSON.stringify(await generateLoad(JSON.parse(input) as LoadPlan)));
}
