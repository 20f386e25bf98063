import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { decide } from "./decide";
import type { FreezeState } from "./freeze";
import { rolloutInvariantViolations } from "./invariants";
import { stepExposure } from "./last-known-good";
import { newRolloutDraft } from "./new-rollout";
import type { DecideContext, RolloutCommand } from "./rollout-commands";
import { errorRateGate, incidentFreeze, T0 } from "./rollout-fixtures";
import type { Actor, Mechanism, PlanStep, RolloutSnapshot } from "./rollout-types";

const mechanismArb = fc.constantFrom<Mechanism>("flag", "canary", "ring", "blue-green");

const rolloutArb = fc
  .record({
    mechanism: mechanismArb,
    basisPoints: fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 6 }),
    approvals: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    holds: fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 6, maxLength: 6 }),
  })
  .map(({ mechanism, basisPoints, approvals, holds }): RolloutSnapshot => {
    const percents =
      mechanism === "blue-green" ? [0, 100] : [...basisPoints].sort((a, b) => a - b).map((b) => b / 100);
    const steps: PlanStep[] = percents.map((exposurePercent, i) => ({
      exposurePercent,
      holdSeconds: holds[i] ?? 60,
      requiresApproval: approvals[i] ?? false,
      gates: [errorRateGate],
      ...(mechanism === "ring"
        ? { ring: { name: `ring-${i}`, members: [{ kind: "region", id: `r${i}` }] } }
        : {}),
    }));
    return newRolloutDraft({ id: "r", serviceId: "checkout", environment: "production", mechanism, steps });
  });

/** Commands whose step index is relative to the current step, resolved when applied. */
type Op =
  | { type: "start" | "advance" | "approve" | "resume" | "pause" | "abort" | "kill"; override: boolean }
  | { type: "gates-passed" | "gates-inconclusive"; offset: number }
  | { type: "gates-failed"; offset: number; critical: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constantFrom("start", "advance", "approve", "resume", "pause", "abort", "kill" as const),
      override: fc.boolean(),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constantFrom("gates-passed" as const, "gates-passed" as const, "gates-inconclusive" as const),
      offset: fc.constantFrom(0, 0, 0, -1, 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("gates-failed" as const),
      offset: fc.constantFrom(0, -1),
      critical: fc.boolean(),
    }),
  },
);

type HistoryStep = { op: Op; dtMs: number; frozen: boolean; role: Actor["role"] };

const stepArb: fc.Arbitrary<HistoryStep> = fc.record({
  op: opArb,
  dtMs: fc.integer({ min: 0, max: 700_000 }),
  frozen: fc.boolean(),
  role: fc.constantFrom<Actor["role"]>("operator", "release_manager", "system"),
});

function toCommand(op: Op, r: RolloutSnapshot): RolloutCommand {
  switch (op.type) {
    case "gates-passed":
      return { type: op.type, stepIndex: r.currentStep + op.offset };
    case "gates-inconclusive":
      return { type: op.type, stepIndex: r.currentStep + op.offset, reason: "too little canary traffic" };
    case "gates-failed":
      return {
        type: op.type,
        stepIndex: r.currentStep + op.offset,
        critical: op.critical,
        failedGates: ["error-rate"],
        reason: "worse",
      };
    case "start":
    case "advance":
    case "approve":
    case "resume":
      return op.override ? { type: op.type, override: { reason: "break glass" } } : { type: op.type };
    case "pause":
    case "abort":
    case "kill":
      return { type: op.type };
    default: {
      const unknown: never = op;
      return unknown;
    }
  }
}

const isTerminal = (r: RolloutSnapshot) => ["completed", "rolled_back", "aborted"].includes(r.state);

/** Replays a random history, checking every transition; returns all snapshots reached. */
function replay(
  start: RolloutSnapshot,
  steps: readonly HistoryStep[],
): { reached: RolloutSnapshot[]; contexts: DecideContext[] } {
  let r = start;
  let now = T0;
  const reached = [r];
  const contexts: DecideContext[] = [];
  for (const s of steps) {
    now += s.dtMs;
    const freeze: FreezeState | null = s.frozen ? incidentFreeze : null;
    const c: DecideContext = { now, freeze, actor: { id: `u:${s.role}`, role: s.role } };
    contexts.push(c);
    const command = toCommand(s.op, r);
    const before = structuredClone(r);
    let next: RolloutSnapshot;
    try {
      next = decide(r, command, c).next;
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect(r).toEqual(before); // a refusal changes nothing
      // Pause and kill are never refused while the rollout can still change.
      if (!isTerminal(r)) expect(["pause", "kill"]).not.toContain(command.type);
      expect(command.type).not.toBe("kill");
      continue;
    }
    expect(r).toEqual(before); // decide never mutates its input
    expect(rolloutInvariantViolations(next)).toEqual([]);
    // Never skips a step: moves at most one step, and only off a passed one.
    expect(next.currentStep - r.currentStep).toBeLessThanOrEqual(1);
    if (next.currentStep > r.currentStep && r.currentStep >= 0) {
      expect(r.lastKnownGoodPercent).toBe(stepExposure(r, r.currentStep));
    }
    // Exposure only rises by entering a step, and not while frozen without a break-glass override.
    if (next.exposurePercent > r.exposurePercent) {
      expect(["start", "advance", "approve"]).toContain(command.type);
      if (s.frozen) expect("override" in command && command.override !== undefined).toBe(true);
    }
    r = next;
    reached.push(r);
  }
  return { reached, contexts };
}

const historyArb = fc.array(stepArb, { maxLength: 60 });

describe("decide properties", () => {
  it("random histories reach every state and phase (so the properties are not vacuous)", () => {
    const seen = new Set<string>();
    const samples = fc.sample(fc.tuple(rolloutArb, historyArb), { numRuns: 300, seed: 42 });
    for (const [rollout, history] of samples) {
      for (const r of replay(rollout, history).reached) seen.add(`${r.state}/${r.phase ?? "-"}`);
    }
    for (const label of [
      "draft/-",
      "running/holding",
      "running/ramping",
      "running/awaiting_approval",
      "paused/holding",
      "completed/-",
      "rolled_back/-",
      "aborted/-",
    ]) {
      expect(seen).toContain(label);
    }
  });

  it("random command sequences never reach an illegal state", () => {
    fc.assert(
      fc.property(rolloutArb, historyArb, (rollout, history) => {
        replay(rollout, history);
      }),
      { numRuns: 400 },
    );
  });

  it("kill always lands on last-known-good, and kill twice equals kill once", () => {
    fc.assert(
      fc.property(rolloutArb, historyArb, fc.boolean(), (rollout, history, frozen) => {
        const { reached } = replay(rollout, history);
        const c: DecideContext = {
          now: T0 + 1e9,
          freeze: frozen ? incidentFreeze : null,
          actor: { id: "u", role: "operator" },
        };
        for (const r of reached) {
          const once = decide(r, { type: "kill" }, c);
          if (isTerminal(r)) {
            expect(once.next).toBe(r);
          } else {
            expect(once.next.state).toBe("rolled_back");
            expect(once.next.exposurePercent).toBe(r.lastKnownGoodPercent);
            expect(once.next.lastKnownGoodPercent).toBe(r.lastKnownGoodPercent);
          }
          const twice = decide(once.next, { type: "kill" }, { ...c, now: c.now + 1 });
          expect(twice.next).toEqual(once.next);
          expect(twice.changed).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("pause is allowed in every non-terminal state, frozen or not", () => {
    fc.assert(
      fc.property(rolloutArb, historyArb, (rollout, history) => {
        const { reached } = replay(rollout, history);
        for (const r of reached.filter((s) => !isTerminal(s))) {
          const { next } = decide(
            r,
            { type: "pause" },
            { now: T0, freeze: incidentFreeze, actor: { id: "u", role: "operator" } },
          );
          expect(next.state).toBe("paused");
          expect(next.exposurePercent).toBe(r.exposurePercent);
        }
      }),
      { numRuns: 200 },
    );
  });
});
