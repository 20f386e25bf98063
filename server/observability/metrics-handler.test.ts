import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../domain/errors";
import type { RolloutEvent } from "../domain/rollout";
import { createMetricsHandler } from "./metrics-handler";
import { observeGateEvaluation, observeSocketClients, startCommandTimer } from "./sluice-metrics";

/**
 * Parses Prometheus' text format strictly enough to catch a malformed line; returns sample lines.
 * Values as Go's ParseFloat reads them (Prometheus' parser): NaN and Inf in any case (prom-client
 * writes an unsampled event-loop mean as "Nan").
 */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|nan|[+-]?inf)$/i.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    samples.set(match[1] as string, Number(match[2]));
  }
  return samples;
}

describe("GET /metrics", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const handle = createMetricsHandler({ token: "scrape-secret" });
    server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const scrape = async () => {
    const response = await fetch(url, { headers: { Authorization: "Bearer scrape-secret" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  };

  it("serves Sluice's metrics in Prometheus' text format", async () => {
    const rolledBack = {
      type: "rollout.rolled-back",
      trigger: "gates-failed",
      reason: "error-rate",
      failedGates: ["error-rate"],
      fromPercent: 25,
      toPercent: 5,
      rolloutId: "r1",
      at: 0,
      actor: "system",
    } satisfies RolloutEvent;
    startCommandTimer("gates-failed").done({ events: [rolledBack], repeated: false });
    startCommandTimer("gates-failed").done({ events: [rolledBack], repeated: true });
    expect(() => startCommandTimer("start").failed(new AppError("FROZEN", "incident INC-1"))).toThrow(
      "incident INC-1",
    );
    observeGateEvaluation(
      {
        decision: "rollback",
        gates: [
          {
            gate: "error-rate",
            metric: "error-rate",
            verdict: "fail",
            critical: true,
            detail: "",
            evidence: 200,
          },
          { gate: "p95", metric: "latency-p95", verdict: "pass", critical: true, detail: "", evidence: 1 },
        ],
      },
      0.0004,
    );
    const unobserve = observeSocketClients(() => 3);

    const metrics = await scrape();
    expect(metrics.get('sluice_command_duration_seconds_count{command="gates-failed",result="ok"}')).toBe(1);
    expect(
      metrics.get('sluice_command_duration_seconds_count{command="gates-failed",result="repeated"}'),
    ).toBe(1);
    expect(metrics.get('sluice_command_duration_seconds_count{command="start",result="FROZEN"}')).toBe(1);
    expect(metrics.get('sluice_rollbacks_total{trigger="gates-failed"}')).toBe(1);
    expect(metrics.get('sluice_freeze_blocks_total{command="start",outcome="refused"}')).toBe(1);
    expect(metrics.get("sluice_gate_evaluation_duration_seconds_count")).toBe(1);
    expect(metrics.get('sluice_gate_evaluation_duration_seconds_bucket{le="0.0005"}')).toBe(1);
    expect(metrics.get('sluice_step_decisions_total{decision="rollback"}')).toBe(1);
    expect(metrics.get('sluice_gate_verdicts_total{metric="error-rate",verdict="fail"}')).toBe(1);
    expect(metrics.get('sluice_gate_verdicts_total{metric="latency-p95",verdict="pass"}')).toBe(1);
    expect(metrics.get("sluice_socket_clients")).toBe(3);
    expect(metrics.has("process_cpu_user_seconds_total")).toBe(true);

    unobserve();
    expect((await scrape()).get("sluice_socket_clients")).toBe(0);
  });

  it("refuses a scrape without the token, and methods other than GET", async () => {
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    expect(
      (await fetch(url, { method: "POST", headers: { Authorization: "Bearer scrape-secret" } })).status,
    ).toBe(405);
  });
});
