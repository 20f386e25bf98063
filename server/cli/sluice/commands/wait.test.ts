import { createServer, type RequestListener, type Server } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../../../testing/free-port";
import { runCli } from "../run-cli";

// `wait` against misbehaving servers on loopback (the real server never misbehaves like this), run in
// process with stdout and stderr captured.

const servers: Server[] = [];
async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function wait(url: string, ...flags: string[]) {
  const written = (stream: NodeJS.WriteStream) => {
    const chunks: string[] = [];
    vi.spyOn(stream, "write").mockImplementation((chunk) => chunks.push(String(chunk)) > 0);
    return chunks;
  };
  const stdout = written(process.stdout);
  const stderr = written(process.stderr);
  const started = Date.now();
  const code = await runCli(["wait", "r1", "--url", url, "--token", "slc_test", ...flags], {});
  vi.restoreAllMocks();
  return { code, stdout: stdout.join(""), stderr: stderr.join(""), ms: Date.now() - started };
}

const completed = JSON.stringify({
  id: "r1",
  service: "svc",
  state: "completed",
  phase: null,
  currentStep: 1,
  steps: [{ percent: 100 }],
  exposurePercent: 100,
});

describe("sluice wait against a misbehaving server", () => {
  it("retries an answer cut off mid-body like any other outage", async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      if (++calls === 1) {
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "500" });
        res.write('{"id":"r1",');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" }).end(completed);
    });
    const run = await wait(url, "--interval", "50ms", "--timeout", "20s");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`still waiting: answer from ${url} cut off`);
    expect(calls).toBe(2);
  });

  it("ends at --timeout with the timeout code when the server accepts but never answers", async () => {
    const url = await serve(() => {});
    const run = await wait(url, "--interval", "100ms", "--timeout", "1s", "--json");
    expect(run.code, run.stderr).toBe(4);
    expect(JSON.parse(run.stdout)).toEqual({ outcome: "timeout", rollout: null });
    // Not the 30 s a single request may otherwise take.
    expect(run.ms).toBeLessThan(10_000);
  });

  it("with --json, still reports outages on stderr as JSON lines, stdout untouched", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await wait(url, "--interval", "100ms", "--timeout", "500ms", "--json");
    expect(run.code).toBe(7);
    expect(run.stdout).toBe("");
    const lines = run.stderr
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ note: expect.stringContaining(`still waiting: cannot reach ${url}`) });
    expect(lines.at(-1)).toMatchObject({ error: { code: "UNAVAILABLE" } });
  });

  it("stops at once, naming the URL, when a 2xx answer is not JSON (not Sluice, e.g. an SSO page)", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" }).end("<html>Sign in</html>");
    });
    const run = await wait(url, "--interval", "50ms", "--timeout", "10s");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the server at ${url} did not answer JSON (HTTP 200, text/html)`);
    expect(run.stderr).toContain("is SLUICE_URL (or --url) Sluice's address?");
    expect(run.ms).toBeLessThan(5_000);
  });

  it("stops at once when the JSON answered is not a rollout (another JSON API at that URL)", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ status: "ok" }));
    });
    const run = await wait(url, "--interval", "50ms", "--timeout", "10s");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the server at ${url} answered JSON that is not a rollout`);
    expect(run.ms).toBeLessThan(5_000);
  });
});
