import { describe, expect, it } from "vitest";
import type { GateVerdict } from "../analysis/gate-verdict";
import { canaryDraft } from "../rollout/rollout-fixtures";
import { analysisVerdict } from "./analysis-verdict";
import { weightFromFlaggerEvent } from "./flagger-event";
import { answerFlaggerHook } from "./flagger-gate";

describe("weightFromFlaggerEvent", () => {
  it.each([
    ["Progressing", "Advance podinfo.test canary weight 15", 15],
    ["Progressing", "Advance podinfo.test canary weight 2.5", 2.5],
    ["Succeeded", "Promotion completed! Scaling down podinfo.test", 100],
    ["Failed", "Canary failed! Scaling down podinfo.test", 0],
    ["Progressing", "Starting canary analysis for podinfo.test", null],
    ["Progressing", "Advance podinfo.test canary iteration 2/10", null],
  ])("%s %s → %s", (phase, message, weight) => {
    expect(weightFromFlaggerEvent(phase, message)).toBe(weight);
  });
});

describe("answerFlaggerHook", () => {
  const holding = canaryDraft({ state: "running", phase: "holding", currentStep: 1, exposurePercent: 5 });
  const input = { rollout: holding, freeze: null, latest: null, controllerWeight: null };

  it("a spent error budget holds every confirm hook and never asks for a rollback", () => {
    const freeze = {
      incidents: [],
      exhaustedBudgets: [
        { serviceId: holding.serviceId, environment: holding.environment, slo: "availability" },
      ],
    };
    for (const hook of ["confirm-rollout", "confirm-traffic-increase", "confirm-promotion"] as const) {
      expect(answerFlaggerHook({ ...input, hook, freeze })).toEqual({
        yes: false,
        reason: `${holding.serviceId} is frozen by exhausted availability error budget of ${holding.serviceId} in ${holding.environment}`,
      });
    }
    expect(answerFlaggerHook({ ...input, hook: "rollback", freeze }).yes).toBe(false);
  });

  it("a critical failure of the live step is a rollback; an earlier step's is not", () => {
    const latest = { stepIndex: 1, decision: "rollback", reason: "error-rate failed" };
    expect(answerFlaggerHook({ ...input, hook: "rollback", latest })).toEqual({
      yes: true,
      reason: "a critical gate failed: error-rate failed",
    });
    expect(answerFlaggerHook({ ...input, hook: "rollback", latest: { ...latest, stepIndex: 0 } }).yes).toBe(
      false,
    );
  });
});

describe("analysisVerdict", () => {
  const gates = (...verdicts: GateVerdict["verdict"][]) =>
    verdicts.map((verdict, i) => ({
      gate: `g${i}`,
      metric: "error-rate" as const,
      verdict,
      critical: true,
      detail: verdict,
      evidence: 1,
    }));
  const running = { state: "running" as const, currentStep: 2 };

  it("passes only on a promote judgement of the live step", () => {
    const judged = { stepIndex: 2, decision: "promote", reason: "ok", gates: gates("pass", "pass") };
    expect(analysisVerdict(running, judged)).toEqual({ verdict: "pass", score: 1, reason: "ok" });
    expect(analysisVerdict(running, { ...judged, stepIndex: 1 }).verdict).toBe("inconclusive");
    expect(analysisVerdict(running, { ...judged, decision: "continue" })).toEqual({
      verdict: "inconclusive",
      score: 1,
      reason: "ok",
    });
    expect(analysisVerdict(running, null)).toEqual({
      verdict: "inconclusive",
      score: null,
      reason: "no gate judgement stored yet",
    });
    expect(analysisVerdict({ state: "paused", currentStep: 2 }, judged)).toEqual({
      verdict: "inconclusive",
      score: 1,
      reason: "paused: ok; a human decides",
    });
    expect(
      analysisVerdict({ state: "paused", currentStep: 2 }, { ...judged, decision: "rollback" }).verdict,
    ).toBe("fail");
  });

  it("fails a reverted rollout whatever its last judgement said", () => {
    const judged = {
      stepIndex: 2,
      decision: "promote",
      reason: "ok",
      gates: gates("pass", "fail", "pass", "pass"),
    };
    expect(analysisVerdict({ state: "aborted", currentStep: 2 }, judged)).toEqual({
      verdict: "fail",
      score: 0.75,
      reason: "the rollout was aborted",
    });
  });
});
