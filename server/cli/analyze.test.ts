import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const TSX = path.resolve(process.cwd(), "node_modules/.bin/tsx");
const CLI = path.resolve(process.cwd(), "server/cli/analyze.ts");
const dir = mkdtempSync(path.join(tmpdir(), "sluice-analyze-"));

function scenario(samples: unknown[]) {
  return {
    format: "sluice-analysis-scenario/v1",
    name: "t",
    intervalSeconds: 30,
    canaryWeightPercent: 10,
    holdSeconds: 60,
    samples,
  };
}
const hist = (counts: number[]) => ({ buckets: [10, 100], counts });
const good = (t: number, cohort: string, requests: number) => ({
  t,
  cohort,
  requests,
  errors: 0,
  latencyMs: hist([0, requests, 0]),
});

async function analyze(content: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(dir, `s${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  try {
    const { stdout, stderr } = await run(TSX, [CLI, file]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm run analyze", () => {
  it("prints the decision and a timeline for a valid scenario", async () => {
    const r = await analyze(
      JSON.stringify(
        scenario([
          good(30, "baseline", 900),
          good(30, "canary", 100),
          good(60, "baseline", 900),
          good(60, "canary", 100),
        ]),
      ),
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.decision).toBe("inconclusive");
    expect(out.decidedAtSeconds).toBe(60);
    expect(out.failedGates).toEqual([]);
    expect(out.timeline.map((e: { t: number }) => e.t)).toEqual([30, 60]);
  });

  it("rejects errors above requests, naming the sample and field", async () => {
    const bad = { ...good(60, "canary", 100), errors: 101 };
    const r = await analyze(JSON.stringify(scenario([good(30, "baseline", 900), bad])));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("samples[1].errors");
    expect(r.stdout).toBe("");
  });

  it("rejects histogram counts that do not sum to requests", async () => {
    const bad = { ...good(30, "canary", 100), latencyMs: hist([0, 99, 0]) };
    const r = await analyze(JSON.stringify(scenario([bad])));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("samples[0].latencyMs.counts: counts sum to 99 but requests is 100");
  });

  it("rejects a missing field and a bad cohort", async () => {
    const { requests: _omitted, ...noRequests } = good(30, "canary", 100);
    const r = await analyze(
      JSON.stringify(scenario([noRequests, { ...good(30, "baseline", 5), cohort: "blue" }])),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("samples[0].requests");
    expect(r.stderr).toContain("samples[1].cohort");
  });

  it("rejects a file that is not JSON", async () => {
    const r = await analyze("{ not json");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not valid JSON/);
  });

  it("accepts gates in the product's GateConfig format", async () => {
    const gates = [
      {
        name: "errors",
        metric: "error-rate",
        badDirection: "higher",
        minRelativeChange: 0.5,
        minAbsoluteChange: 0.01,
        minSamples: 10,
        critical: true,
      },
    ];
    const r = await analyze(
      JSON.stringify({ ...scenario([good(30, "baseline", 900), good(30, "canary", 100)]), gates }),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).timeline[0].gates.map((g: { gate: string }) => g.gate)).toEqual(["errors"]);
  });
});
