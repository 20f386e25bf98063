import { describe, expect, it } from "vitest";
import type { GateVerdict } from "../analysis/gate-verdict";
import { appendVerdicts, stepBoundaries, stepInEffect, verdictMarkers } from "./chart-marks";

const rings = [
  { exposurePercent: 2, ring: { name: "internal", members: [] } },
  { exposurePercent: 20, ring: { name: "early", members: [] } },
];
const ramp = [{ exposurePercent: 1 }, { exposurePercent: 5 }, { exposurePercent: 25 }];

describe("step boundaries", () => {
  it("labels each exposure change, oldest first, by ring or by position", () => {
    const boundaries = stepBoundaries(
      [
        { type: "rollout.rolled-back", at: 3000, toPercent: 2 },
        { type: "rollout.step-entered", at: 1000, stepIndex: 0 },
        { type: "rollout.step-entered", at: 2000, stepIndex: 1 },
      ],
      rings,
    );
    expect(boundaries).toEqual([
      { t: 1000, kind: "step", stepIndex: 0, label: "internal · 2%" },
      { t: 2000, kind: "step", stepIndex: 1, label: "early · 20%" },
      { t: 3000, kind: "rollback", stepIndex: null, label: "Rolled back to 2%" },
    ]);
    expect(
      stepBoundaries(
        [
          { type: "rollout.step-entered", at: 10, stepIndex: 2 },
          { type: "rollout.completed", at: 20 },
        ],
        ramp,
      ).map((b) => b.label),
    ).toEqual(["Step 3 · 25%", "Completed"]);
  });

  it("gives each interval the step that was live while it was served", () => {
    const boundaries = stepBoundaries(
      [
        { type: "rollout.step-entered", at: 1000, stepIndex: 0 },
        { type: "rollout.step-entered", at: 2000, stepIndex: 1 },
        { type: "rollout.rolled-back", at: 3000, toPercent: 2 },
      ],
      rings,
    );
    expect(stepInEffect(boundaries, 500)).toBeNull(); // before the start
    expect(stepInEffect(boundaries, 1000)).toBeNull(); // ends exactly at the start: served before it
    expect(stepInEffect(boundaries, 1010)).toBe(0);
    expect(stepInEffect(boundaries, 2000)).toBe(0);
    expect(stepInEffect(boundaries, 2500)).toBe(1);
    expect(stepInEffect(boundaries, 3500)).toBeNull(); // rolled back: no step's gates apply
  });
});

const gate = (name: string, metric: GateVerdict["metric"], verdict: GateVerdict["verdict"]): GateVerdict => ({
  gate: name,
  metric,
  verdict,
  critical: true,
  detail: `${name} ${verdict}`,
  evidence: 1,
});

describe("verdict markers", () => {
  it("marks a gate's first verdict in each step and every change, not every repeat", () => {
    const markers = verdictMarkers([
      { stepIndex: 0, intervalEnd: 10, gates: [gate("error-rate", "error-rate", "inconclusive")] },
      { stepIndex: 0, intervalEnd: 20, gates: [gate("error-rate", "error-rate", "inconclusive")] },
      { stepIndex: 0, intervalEnd: 30, gates: [gate("error-rate", "error-rate", "pass")] },
      { stepIndex: 0, intervalEnd: 40, gates: [gate("error-rate", "error-rate", "pass")] },
      { stepIndex: 1, intervalEnd: 50, gates: [gate("error-rate", "error-rate", "pass")] },
      { stepIndex: 1, intervalEnd: 60, gates: [gate("error-rate", "error-rate", "fail")] },
    ]);
    expect(markers.map((m) => [m.t, m.stepIndex, m.verdict])).toEqual([
      [10, 0, "inconclusive"],
      [30, 0, "pass"],
      [50, 1, "pass"],
      [60, 1, "fail"],
    ]);
    expect(markers[3]).toEqual({
      t: 60,
      stepIndex: 1,
      metric: "errorRate",
      gate: "error-rate",
      verdict: "fail",
      detail: "error-rate fail",
    });
  });

  it("puts each gate on its own chart and leaves the uncharted latency-shift out", () => {
    const markers = verdictMarkers([
      {
        stepIndex: 0,
        intervalEnd: 20,
        gates: [
          gate("latency-p99", "latency-p99", "fail"),
          gate("latency-shift", "latency-shift", "fail"),
          gate("conversion", "conversion", "pass"),
        ],
      },
      { stepIndex: 0, intervalEnd: 10, gates: [gate("latency-p99", "latency-p99", "pass")] },
    ]);
    expect(markers.map((m) => [m.t, m.metric, m.verdict])).toEqual([
      [10, "p99", "pass"],
      [20, "p99", "fail"],
      [20, "conversion", "pass"],
    ]);
  });

  it("keeps only the newest changes of a flapping gate", () => {
    const flapping = [10, 20, 30, 40].map((t, i) => ({
      stepIndex: 0,
      intervalEnd: t,
      gates: [gate("p95", "latency-p95", i % 2 === 0 ? "pass" : "inconclusive")],
    }));
    expect(verdictMarkers(flapping, 2).map((m) => m.t)).toEqual([30, 40]);
  });

  it("adds a live judgement only where a gate's verdict changed, and ignores a repeated event", () => {
    const known = verdictMarkers([
      {
        stepIndex: 0,
        intervalEnd: 10,
        gates: [gate("error-rate", "error-rate", "pass"), gate("conversion", "conversion", "pass")],
      },
    ]);
    const next = {
      stepIndex: 0,
      intervalEnd: 20,
      gates: [gate("error-rate", "error-rate", "fail"), gate("conversion", "conversion", "pass")],
    };
    const appended = appendVerdicts(known, next);
    expect(appended.map((m) => [m.t, m.gate, m.verdict])).toEqual([
      [10, "error-rate", "pass"],
      [10, "conversion", "pass"],
      [20, "error-rate", "fail"],
    ]);
    expect(appendVerdicts(appended, next)).toBe(appended);
    // A repeat of the same verdicts adds nothing and returns the very same list.
    const repeat = { ...next, intervalEnd: 25 };
    expect(appendVerdicts(appended, repeat)).toBe(appended);
    // A new step marks every gate again, even when its verdict did not change.
    const nextStep = { stepIndex: 1, intervalEnd: 30, gates: [gate("conversion", "conversion", "pass")] };
    expect(appendVerdicts(appended, nextStep).at(-1)).toMatchObject({ t: 30, stepIndex: 1, verdict: "pass" });
  });
});
