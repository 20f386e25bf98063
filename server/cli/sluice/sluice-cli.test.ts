import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../../api/api-test-client";
import { newRollout, passCurrentStep, plan } from "../../api/api-test-rollouts";
import type { ServiceContext } from "../../services/context";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { freePort } from "../../testing/free-port";

/** The real bin, run by node from a directory outside the project, as a pipeline would. */
const LAUNCHER = path.resolve(process.cwd(), "server/cli/sluice.mjs");
const elsewhere = mkdtempSync(path.join(tmpdir(), "sluice-cli-"));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

// Each test spawns several node processes; on a busy 2-core machine each can take seconds to start.
describe("the sluice CLI against a real server", { timeout: 180_000 }, () => {
  let demo: DemoFixture;
  let clock = new Date("2026-11-27T10:00:00Z");
  let ctx: ServiceContext;
  let api: TestApi;
  let writer: string;
  let reader: string;
  const db = () => demo.database.db;
  const setNow = (now: Date) => {
    clock = now;
  };

  function start(args: string[], env: Record<string, string> = {}): Run {
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      cwd: elsewhere,
      env: { ...process.env, SLUICE_URL: api.url, SLUICE_TOKEN: writer, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on("close", (code) => resolve({ code, stdout, stderr })),
    );
    return { child, stdout: () => stdout, stderr: () => stderr, exit };
  }
  const sluice = (args: string[], env: Record<string, string> = {}) => start(args, env).exit;

  const audit = (targetId: string) =>
    db().auditEvent.findMany({ where: { targetId }, select: { action: true, actor: true, reason: true } });

  beforeAll(async () => {
    demo = await createDemoFixture(clock);
    ctx = { ...demo.services, now: () => clock };
    api = await startTestApi(ctx);
    writer = await api.token(["read", "rollouts:write", "incidents:write"], { name: "ci-pipeline" });
    reader = await api.token(["read"], { name: "dashboard-reader" });
  });
  afterAll(async () => {
    await api.close();
    await demo.database.drop();
  });

  it("prints help for everything and for each command, from any directory", async () => {
    const all = await sluice(["--help"]);
    expect(all.code).toBe(0);
    for (const command of ["status", "rollouts", "advance", "approve", "kill", "wait", "incident declare"])
      expect(all.stdout).toContain(`  ${command} `);
    expect(all.stdout).toContain("Exit codes:");
    const kill = await sluice(["kill", "--help"]);
    expect(kill.code).toBe(0);
    expect(kill.stdout).toContain("Usage: sluice kill [rollout] [options]");
    expect(kill.stdout).toContain("--reason <text>");
  });

  it("lists rollouts as a table, and as JSON a script can parse", async () => {
    const stored = await db().rollout.findMany({ select: { id: true, service: { select: { name: true } } } });
    const table = await sluice(["rollouts"]);
    expect(table.code, table.stderr).toBe(0);
    const [header, ...lines] = table.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID\s+SERVICE\s+ENV\s+RELEASE\s+MECHANISM\s+STATE\s+STEP\s+EXPOSURE/);
    expect(lines).toHaveLength(stored.length);
    // Aligned: every row's SERVICE column starts where the header's does.
    const serviceColumn = header?.indexOf("SERVICE") ?? -1;
    for (const { id, service } of stored) {
      const line = lines.find((l) => l.startsWith(id)) ?? "";
      expect(line.slice(serviceColumn).startsWith(service.name), line).toBe(true);
    }

    const json = await sluice(["rollouts", "--json"]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { rollouts: { id: string; service: string }[] };
    expect(parsed.rollouts.map((r) => r.id).sort()).toEqual(stored.map((r) => r.id).sort());
    const one = stored[0];
    const filtered = await sluice(["rollouts", "--json", "--service", one?.service.name ?? ""]);
    expect((JSON.parse(filtered.stdout) as { rollouts: { id: string }[] }).rollouts.map((r) => r.id)).toEqual(
      stored.filter((r) => r.service.name === one?.service.name).map((r) => r.id),
    );
  });

  it("shows the newest rollouts up to --limit, reading the API's pages, and says when older ones exist", async () => {
    const newest = await db().rollout.findMany({
      select: { id: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    expect(newest.length).toBeGreaterThan(3);
    const json = await sluice(["rollouts", "--json", "--limit", "3"]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { rollouts: { id: string }[]; more: boolean };
    expect(parsed).toEqual({
      rollouts: newest.slice(0, 3).map((r) => expect.objectContaining(r)),
      more: true,
    });
    const all = JSON.parse((await sluice(["rollouts", "--json", "--limit", "1000"])).stdout) as typeof parsed;
    expect({ ids: all.rollouts.map((r) => r.id), more: all.more }).toEqual({
      ids: newest.map((r) => r.id),
      more: false,
    });
    const table = await sluice(["rollouts", "--limit", "2"]);
    expect(table.stdout.trimEnd().split("\n")).toHaveLength(4);
    expect(table.stdout).toContain("Older rollouts not shown: raise --limit to see them.");
  });

  it("starts and pauses a rollout: the database and the audit log show it, done by the token", async () => {
    const id = await newRollout(api, writer, "cli-orders");
    const started = await sluice(["start", id]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain(`start cli-orders ${id}: running/holding, step 1, exposure 1%`);
    const paused = await sluice(["pause", id, "--reason", "looking at a dashboard", "--json"]);
    expect(paused.code, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ rollout: { id, state: "paused" }, changed: true });
    const row = await db().rollout.findUniqueOrThrow({ where: { id }, select: { state: true } });
    expect(row.state).toBe("paused");
    const events = await audit(id);
    expect(events).toContainEqual(
      expect.objectContaining({
        actor: expect.stringContaining("ci-pipeline"),
        reason: "looking at a dashboard",
      }),
    );
  });

  it("shows a refused command's code, message and field, with the refused exit code", async () => {
    const id = await newRollout(api, writer, "cli-refused");
    const before = await audit(id);
    const advance = await sluice(["advance", id]);
    expect(advance.code).toBe(5);
    expect(advance.stderr).toContain("sluice: refused: ");
    expect(advance.stderr).toContain("code: ILLEGAL_TRANSITION (HTTP 412)");
    expect(advance.stdout).toBe("");
    const json = await sluice(["advance", id, "--json"]);
    expect(json.code).toBe(5);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: "ILLEGAL_TRANSITION", status: 412 } });
    expect(await audit(id)).toEqual(before);

    const missing = await sluice(["approve", "no-such-rollout"]);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain("code: NOT_FOUND (HTTP 404)");
    const badVersion = await sluice(["start", id, "--expected-version", "999", "--json"]);
    expect(badVersion.code).toBe(5);
    expect(JSON.parse(badVersion.stderr)).toMatchObject({ error: { code: "CONFLICT" } });
  });

  it("tells an unauthorized token and an unreachable server apart from a refusal", async () => {
    const id = await newRollout(api, writer, "cli-scopes");
    const forbidden = await sluice(["pause", id], { SLUICE_TOKEN: reader });
    expect(forbidden.code).toBe(6);
    expect(forbidden.stderr).toContain("code: FORBIDDEN (HTTP 403)");
    const unknown = await sluice(["rollouts", "--token", "slc_not-a-token"]);
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toContain("UNAUTHORIZED");
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await sluice(["status", "--url", closed]);
    expect(down.code).toBe(7);
    expect(down.stderr).toContain(`sluice: unavailable: cannot reach ${closed}`);
    expect((await db().rollout.findUniqueOrThrow({ where: { id }, select: { state: true } })).state).toBe(
      "draft",
    );
  });

  it("answers bad flags and arguments with a usage error, sending nothing", async () => {
    const id = await newRollout(api, writer, "cli-usage");
    const cases: [string[], string][] = [
      [["rollouts", "--bogus"], "Unknown option '--bogus'"],
      [["advance"], "advance: expected <rollout>, got none"],
      [["advance", id, "extra"], "advance: expected <rollout>, got"],
      [["kill", id], "--reason: required"],
      [["kill", id, "--all", "--reason", "x"], "name exactly one of"],
      [["pause", id, "--expected-version", "soon"], "--expected-version: expected a whole number"],
      [["wait", id, "--timeout", "forever"], "--timeout: expected a duration"],
      [["rollouts", "--state", "exploded"], "--state: expected one of"],
      [["rollouts", "--limit", "0"], "--limit: expected at least 1"],
      [["launch"], "unknown command launch"],
      [["incident", "declare", "--service", "x"], "--severity: required"],
      [["status", "--url", "not a url"], "--url: not a URL"],
    ];
    for (const [args, message] of cases) {
      const run = await sluice(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toContain(message);
    }
    const noServer = await sluice(["status"], { SLUICE_URL: "" });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain("no server: pass --url <url> or set SLUICE_URL");
    expect(await audit(id)).toHaveLength(1);
  });

  it("wait exits 0 once a rollout completes, including one that completes while it waits", async () => {
    const id = await newRollout(api, writer, "cli-done", { steps: plan([50, 100]) });
    expect((await sluice(["start", id])).code).toBe(0);
    const waiting = start(["wait", id, "--interval", "100ms", "--timeout", "10m"]);
    await until(() => waiting.stderr().includes("running/holding, step 1/2"));
    await passCurrentStep(ctx, setNow, id);
    expect((await sluice(["advance", id])).code).toBe(0);
    await passCurrentStep(ctx, setNow, id, "completed");
    const done = await waiting.exit;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain("completed: cli-done");

    const again = await sluice(["wait", id, "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      outcome: "completed",
      rollout: { id, state: "completed" },
    });
  });

  it("wait exits 1 on a killed (rolled back) rollout, 3 when paused, 4 on timeout", async () => {
    const killed = await newRollout(api, writer, "cli-killed");
    expect((await sluice(["start", killed])).code).toBe(0);
    const kill = await sluice(["kill", killed, "--reason", "error spike in the canary"]);
    expect(kill.code, kill.stderr).toBe(0);
    expect(await audit(killed)).toContainEqual(
      expect.objectContaining({ action: "rollout.rolled-back", reason: "error spike in the canary" }),
    );
    const rolledBack = await sluice(["wait", killed, "--json"]);
    expect(rolledBack.code).toBe(1);
    expect(JSON.parse(rolledBack.stdout)).toMatchObject({ outcome: "rolled_back" });

    const paused = await newRollout(api, writer, "cli-paused");
    expect((await sluice(["start", paused])).code).toBe(0);
    expect((await sluice(["pause", paused])).code).toBe(0);
    expect((await sluice(["wait", paused])).code).toBe(3);

    const draft = await newRollout(api, writer, "cli-draft");
    const timedOut = await sluice(["wait", draft, "--interval", "100ms", "--timeout", "300ms", "--json"]);
    expect(timedOut.code).toBe(4);
    expect(JSON.parse(timedOut.stdout)).toMatchObject({ outcome: "timeout", rollout: { state: "draft" } });
  });

  it("kills every active rollout of a service through the kill switch", async () => {
    const ids = [await newRollout(api, writer, "cli-fleet"), await newRollout(api, writer, "cli-fleet")];
    for (const id of ids) expect((await sluice(["start", id])).code).toBe(0);
    const run = await sluice(["kill", "--service", "cli-fleet", "--reason", "bad config", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const { outcomes } = JSON.parse(run.stdout) as { outcomes: { rollout: { id: string } }[] };
    expect(outcomes.map((o) => o.rollout.id).sort()).toEqual([...ids].sort());
    const rows = await db().rollout.findMany({ where: { id: { in: ids } }, select: { state: true } });
    expect(rows.map((r) => r.state)).toEqual(["rolled_back", "rolled_back"]);
  });

  it("declares and resolves an incident, and status shows the freeze while it lasts", async () => {
    const id = await newRollout(api, writer, "cli-search");
    expect((await sluice(["start", id])).code).toBe(0);
    const declared = await sluice([
      "incident",
      "declare",
      "--id",
      "INC-CLI-1",
      "--severity",
      "sev2",
      "--service",
      "cli-search",
      "--title",
      "Search is slow",
    ]);
    expect(declared.code, declared.stderr).toBe(0);
    expect(declared.stdout).toContain(
      'incident INC-CLI-1 active (sev2) "Search is slow": freezes cli-search',
    );

    const status = await sluice(["status"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('incident INC-CLI-1 (sev2) "Search is slow" freezes cli-search');
    expect(status.stdout).toMatch(new RegExp(`${id}\\s+cli-search`));
    const json = JSON.parse((await sluice(["status", "--json"])).stdout) as {
      rollouts: { id: string; state: string }[];
      incidents: { externalId: string }[];
    };
    expect(json.incidents.map((i) => i.externalId)).toContain("INC-CLI-1");
    expect(json.rollouts.map((r) => r.id)).toContain(id);
    expect(json.rollouts.every((r) => r.state === "running" || r.state === "paused")).toBe(true);

    const frozen = await sluice(["resume", id]);
    expect(frozen.code).toBe(5);

    const resolved = await sluice(["incident", "resolve", "INC-CLI-1"]);
    expect(resolved.code, resolved.stderr).toBe(0);
    const row = await db().incident.findUniqueOrThrow({ where: { externalId: "INC-CLI-1" } });
    expect(row.resolvedAt).not.toBeNull();
    expect(row.resolvedBy).toContain("ci-pipeline");
    expect((await sluice(["status"])).stdout).not.toContain("INC-CLI-1");
  });

  it("analyze replays a scenario locally, with no server, and refuses an invalid one", async () => {
    const sample = (t: number, cohort: string, requests: number, errors: number) => ({
      t,
      cohort,
      requests,
      errors,
      latencyMs: { buckets: [10, 100], counts: [0, requests, 0] },
    });
    const scenario = {
      format: "sluice-analysis-scenario/v1",
      name: "cli",
      intervalSeconds: 30,
      canaryWeightPercent: 10,
      holdSeconds: 60,
      samples: [sample(30, "baseline", 900, 0), sample(30, "canary", 100, 0)],
    };
    const file = path.join(elsewhere, "scenario.json");
    writeFileSync(file, JSON.stringify(scenario));
    const run = await sluice(["analyze", file, "--json"], { SLUICE_URL: "", SLUICE_TOKEN: "" });
    expect(run.code, run.stderr).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ decision: "inconclusive", failedGates: [] });
    const table = await sluice(["analyze", file], { SLUICE_URL: "" });
    expect(table.stdout).toMatch(/^decision: inconclusive at \d+ s/);
    expect(table.stdout).toMatch(/\nT\s+ERROR-RATE/);

    const bad = path.join(elsewhere, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...scenario, samples: [sample(30, "canary", 100, 101)] }));
    const invalid = await sluice(["analyze", bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("samples[0].errors");
  });
});

/** Polls a condition with a generous deadline (the machine may be slow); never a fixed sleep. */
async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
