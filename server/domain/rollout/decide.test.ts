import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { decide } from "./decide";
import { rolloutInvariantViolations } from "./invariants";
import type { RolloutCommand } from "./rollout-commands";
import {
  canaryDraft,
  ctx,
  evaluator,
  incidentFreeze,
  operator,
  releaseManager,
  T0,
} from "./rollout-fixtures";
import type { RolloutSnapshot } from "./rollout-types";

const HOLD = 60_000;

function apply(r: RolloutSnapshot, command: RolloutCommand, now = T0, actor = operator): RolloutSnapshot {
  const { next } = decide(r, command, ctx(now, actor));
  expect(rolloutInvariantViolations(next)).toEqual([]);
  return next;
}

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

/** Runs step `i` of the default plan to a pass: hold elapses, evaluator says healthy. */
function passStep(r: RolloutSnapshot, now: number): RolloutSnapshot {
  return apply(r, { type: "gates-passed", stepIndex: r.currentStep }, now + HOLD, evaluator);
}

const states = {
  draft: () => canaryDraft(),
  holding: () => apply(canaryDraft(), { type: "start" }),
  ramping: () => passStep(apply(canaryDraft(), { type: "start" }), T0),
  awaitingApproval: () => {
    let r = apply(canaryDraft(), { type: "start" });
    for (let i = 0; i < 3; i++) r = apply(passStep(r, T0), { type: "advance" });
    return apply(passStep(r, T0), { type: "advance" }); // step 4 (100%) needs approval
  },
  pausedHolding: () => apply(apply(canaryDraft(), { type: "start" }), { type: "pause" }),
  pausedDraft: () => apply(canaryDraft(), { type: "pause" }),
  completed: () => {
    const r = apply(states.awaitingApproval(), { type: "approve" }, T0, releaseManager);
    return passStep(r, T0);
  },
  rolledBack: () => apply(states.ramping(), { type: "kill" }),
  aborted: () => apply(states.holding(), { type: "abort", reason: "wrong build" }),
};

describe("decide: the happy path", () => {
  it("starts into step 0 with a stored hold deadline", () => {
    const { next, events, changed } = decide(canaryDraft(), { type: "start" }, ctx(T0));
    expect(changed).toBe(true);
    expect(next).toMatchObject({
      state: "running",
      phase: "holding",
      currentStep: 0,
      exposurePercent: 1,
      lastKnownGoodPercent: 0,
      stepStartedAt: T0,
      holdUntil: T0 + HOLD,
      version: 0,
    });
    expect(events.map((e) => e.type)).toEqual([
      "rollout.started",
      "rollout.step-entered",
      "rollout.exposure-changed",
    ]);
    expect(events[0]).toMatchObject({ rolloutId: "r1", at: T0, actor: "user:olga" });
  });

  it("ignores a pass before the hold is over, so a restarted server keeps the remaining hold", () => {
    const r = states.holding();
    const early = decide(r, { type: "gates-passed", stepIndex: 0 }, ctx(T0 + HOLD - 1, evaluator));
    expect(early.changed).toBe(false);
    expect(early.next).toBe(r);
    expect(early.events[0]).toMatchObject({
      type: "rollout.verdict-ignored",
      why: expect.stringMatching(/1s left/),
    });
  });

  it("passes a step after its hold, making it last-known-good, then advances one step", () => {
    const passed = states.ramping();
    expect(passed).toMatchObject({
      phase: "ramping",
      currentStep: 0,
      exposurePercent: 1,
      lastKnownGoodPercent: 1,
    });
    const next = apply(passed, { type: "advance" }, T0 + 2 * HOLD);
    expect(next).toMatchObject({
      phase: "holding",
      currentStep: 1,
      exposurePercent: 5,
      holdUntil: T0 + 3 * HOLD,
    });
  });

  it("waits for approval before a step that needs it, without raising exposure", () => {
    const r = states.awaitingApproval();
    expect(r).toMatchObject({
      phase: "awaiting_approval",
      currentStep: 4,
      exposurePercent: 50,
      holdUntil: null,
    });
    const { next, events } = decide(r, { type: "approve" }, ctx(T0, releaseManager));
    expect(next).toMatchObject({ phase: "holding", exposurePercent: 100 });
    expect(events.map((e) => e.type)).toEqual([
      "rollout.approved",
      "rollout.step-entered",
      "rollout.exposure-changed",
    ]);
  });

  it("completes when the last step passes", () => {
    expect(states.completed()).toMatchObject({ state: "completed", phase: null, exposurePercent: 100 });
  });

  it("ignores stale verdicts for another step", () => {
    const r = apply(states.ramping(), { type: "advance" });
    const { changed, events } = decide(
      r,
      { type: "gates-passed", stepIndex: 0 },
      ctx(T0 + 10 * HOLD, evaluator),
    );
    expect(changed).toBe(false);
    expect(events[0]).toMatchObject({ why: expect.stringMatching(/stale verdict/) });
  });
});

describe("decide: guards", () => {
  it("refuses advance before a step passes, naming state and step", () => {
    const e = refusal(() => decide(states.holding(), { type: "advance" }, ctx(T0 + 10 * HOLD)));
    expect(e.code).toBe("ILLEGAL_TRANSITION");
    expect(e.message).toBe(
      "advance is not allowed while rollout r1 is running/holding: step 1 (1%) has not passed its hold and gates yet",
    );
  });

  it.each([
    ["draft", "advance"],
    ["draft", "approve"],
    ["draft", "resume"],
    ["holding", "start"],
    ["holding", "approve"],
    ["holding", "resume"],
    ["ramping", "approve"],
    ["awaitingApproval", "advance"],
    ["pausedHolding", "advance"],
    ["pausedHolding", "approve"],
    ["completed", "pause"],
    ["completed", "abort"],
    ["completed", "start"],
    ["rolledBack", "resume"],
    ["rolledBack", "pause"],
    ["aborted", "abort"],
  ] as const)("%s refuses %s", (state, command) => {
    const r = states[state]();
    const before = structuredClone(r);
    const e = refusal(() => decide(r, { type: command }, ctx(T0, releaseManager)));
    expect(e.code).toBe("ILLEGAL_TRANSITION");
    expect(e.message).toMatch(new RegExp(`^${command} is not allowed while rollout r1 is ${r.state}`));
    expect(r).toEqual(before);
  });
});

describe("decide: pause, resume, abort", () => {
  it("pauses keeping the phase to resume into, and restarts a paused hold in full", () => {
    const paused = states.pausedHolding();
    expect(paused).toMatchObject({ state: "paused", phase: "holding", exposurePercent: 1 });
    expect(decide(paused, { type: "pause" }, ctx(T0)).changed).toBe(false);
    const resumed = apply(paused, { type: "resume" }, T0 + 5 * HOLD);
    expect(resumed).toMatchObject({ state: "running", phase: "holding", holdUntil: T0 + 6 * HOLD });
  });

  it("pauses and resumes a draft", () => {
    expect(apply(states.pausedDraft(), { type: "resume" })).toMatchObject({ state: "draft", phase: null });
  });

  it("aborts to 0% exposure", () => {
    expect(states.aborted()).toMatchObject({ state: "aborted", exposurePercent: 0, phase: null });
  });
});

describe("decide: kill and gate failures", () => {
  it("kill reverts to last-known-good from every non-terminal state", () => {
    const r = apply(states.ramping(), { type: "advance" }); // holding 5%, last-known-good 1%
    const { next, events } = decide(r, { type: "kill", reason: "pager" }, ctx(T0));
    expect(next).toMatchObject({ state: "rolled_back", exposurePercent: 1, lastKnownGoodPercent: 1 });
    expect(events[0]).toMatchObject({
      type: "rollout.rolled-back",
      trigger: "kill",
      reason: "pager",
      toPercent: 1,
    });
    expect(apply(states.draft(), { type: "kill" })).toMatchObject({
      state: "rolled_back",
      exposurePercent: 0,
    });
    expect(apply(states.pausedHolding(), { type: "kill" })).toMatchObject({ exposurePercent: 0 });
    expect(apply(states.awaitingApproval(), { type: "kill" })).toMatchObject({ exposurePercent: 50 });
  });

  it("kill twice equals kill once and is recorded", () => {
    const once = states.rolledBack();
    const twice = decide(once, { type: "kill" }, ctx(T0 + 1));
    expect(twice.next).toBe(once);
    expect(twice.changed).toBe(false);
    expect(twice.events.map((e) => e.type)).toEqual(["rollout.kill-ignored"]);
    expect(decide(states.completed(), { type: "kill" }, ctx(T0)).changed).toBe(false);
  });

  it("a critical gate failure rolls back through the kill path with the reason", () => {
    const r = apply(states.ramping(), { type: "advance" });
    const { next, events } = decide(
      r,
      {
        type: "gates-failed",
        stepIndex: 1,
        critical: true,
        failedGates: ["error-rate"],
        reason: "+40% errors",
      },
      ctx(T0, evaluator),
    );
    expect(next).toMatchObject({ state: "rolled_back", exposurePercent: 1, lastKnownGoodPercent: 1 });
    expect(events[0]).toMatchObject({
      trigger: "gates-failed",
      reason: "error-rate failed at step 2 (5%): +40% errors",
      failedGates: ["error-rate"],
    });
  });

  it("a critical failure at a passed exposure demotes it", () => {
    const r = states.ramping(); // 1% passed
    const fail = {
      type: "gates-failed",
      stepIndex: 0,
      critical: true,
      failedGates: ["error-rate"],
      reason: "late",
    };
    expect(apply(r, fail as RolloutCommand)).toMatchObject({ exposurePercent: 0, lastKnownGoodPercent: 0 });
  });

  it("a non-critical failure pauses; verdicts on finished rollouts are ignored", () => {
    const fail: RolloutCommand = {
      type: "gates-failed",
      stepIndex: 0,
      critical: false,
      failedGates: ["latency-p95"],
      reason: "+12%",
    };
    expect(apply(states.holding(), fail)).toMatchObject({
      state: "paused",
      phase: "holding",
      exposurePercent: 1,
    });
    expect(decide(states.aborted(), fail, ctx(T0)).changed).toBe(false);
    expect(decide(states.draft(), { ...fail, critical: true }, ctx(T0)).changed).toBe(false);
  });
});

describe("decide: freezes", () => {
  const frozen = (actor = operator) => ctx(T0, actor, incidentFreeze);

  it.each([
    ["draft", "start"],
    ["ramping", "advance"],
    ["awaitingApproval", "approve"],
    ["pausedHolding", "resume"],
  ] as const)("%s: %s is refused with FROZEN naming the incident", (state, command) => {
    const e = refusal(() => decide(states[state](), { type: command }, frozen()));
    expect(e.code).toBe("FROZEN");
    expect(e.message).toMatch(/incident INC-7 \(sev1\)/);
  });

  it("names an exhausted error budget and ignores other services' incidents", () => {
    const freeze = {
      incidents: [{ id: "INC-9", severity: "sev2", services: ["search"] }],
      exhaustedBudgets: [{ serviceId: "checkout", environment: "production", slo: "availability" }],
    };
    const e = refusal(() => decide(canaryDraft(), { type: "start" }, { ...ctx(T0), freeze }));
    expect(e.message).toMatch(/exhausted availability error budget of checkout in production/);
    expect(e.message).not.toMatch(/INC-9/);
    // A spent budget is its environment's: the service's staging rollouts go on.
    const staging = canaryDraft({ environment: "staging" });
    expect(decide(staging, { type: "start" }, { ...ctx(T0), freeze }).next.state).toBe("running");
    const allServices = {
      incidents: [{ id: "INC-1", severity: "sev1", services: "*" as const }],
      exhaustedBudgets: [],
    };
    expect(
      refusal(() => decide(canaryDraft(), { type: "start" }, { ...ctx(T0), freeze: allServices })).code,
    ).toBe("FROZEN");
  });

  it("never freezes pause, kill, abort or verdicts", () => {
    expect(decide(states.holding(), { type: "pause" }, frozen()).next.state).toBe("paused");
    expect(decide(states.holding(), { type: "kill" }, frozen()).next.state).toBe("rolled_back");
    expect(decide(states.holding(), { type: "abort" }, frozen()).next.state).toBe("aborted");
    expect(
      decide(states.holding(), { type: "gates-passed", stepIndex: 0 }, { ...frozen(), now: T0 + HOLD })
        .changed,
    ).toBe(true);
  });

  it("lets a release manager break glass with a written reason, recorded as an event", () => {
    const override = { reason: "hotfix for INC-7 itself" };
    const { next, events } = decide(states.ramping(), { type: "advance", override }, frozen(releaseManager));
    expect(next.currentStep).toBe(1);
    expect(events[0]).toMatchObject({
      type: "rollout.freeze-overridden",
      command: "advance",
      incidents: ["INC-7"],
      reason: "hotfix for INC-7 itself",
      actor: "user:rita",
    });
    for (const role of ["operator", "admin"] as const) {
      const someoneElse = { id: `user:${role}`, role };
      expect(
        refusal(() => decide(states.ramping(), { type: "advance", override }, frozen(someoneElse))),
      ).toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringContaining("only a release manager may override the freeze"),
      });
    }
    const blank = refusal(() =>
      decide(states.ramping(), { type: "advance", override: { reason: "  " } }, frozen(releaseManager)),
    );
    expect(blank.code).toBe("BAD_INPUT");
    expect(blank.field).toBe("override.reason");
  });
});

describe("an inconclusive step", () => {
  const holding = () => decide(canaryDraft(), { type: "start" }, ctx(T0)).next;
  const inconclusive = { type: "gates-inconclusive", stepIndex: 0, reason: "canary 40 requests" } as const;

  it("is ignored while the hold runs", () => {
    const decision = decide(holding(), inconclusive, ctx(T0 + 30_000));
    expect(decision.changed).toBe(false);
  });

  it("extends the hold once, then pauses for a human with the reason", () => {
    const extended = decide(holding(), inconclusive, ctx(T0 + 60_000));
    expect(extended.next).toMatchObject({
      state: "running",
      phase: "holding",
      holdExtended: true,
      holdUntil: T0 + 120_000,
    });
    expect(extended.events.map((e) => e.type)).toEqual(["rollout.hold-extended"]);
    const paused = decide(extended.next, inconclusive, ctx(T0 + 120_000));
    expect(paused.next).toMatchObject({ state: "paused", exposurePercent: 1 });
    expect(paused.events).toMatchObject([
      {
        type: "rollout.paused",
        reason: "step 1 (1%) still inconclusive after its extended hold: canary 40 requests",
      },
    ]);
  });

  it("gets a fresh extension on the next step", () => {
    const extended = decide(holding(), inconclusive, ctx(T0 + 60_000)).next;
    const passed = decide(extended, { type: "gates-passed", stepIndex: 0 }, ctx(T0 + 120_000)).next;
    const next = decide(passed, { type: "advance" }, ctx(T0 + 120_000)).next;
    expect(next).toMatchObject({ currentStep: 1, holdExtended: false });
  });
});
