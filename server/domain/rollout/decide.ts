import { AppError } from "../errors";
import { checkFourEyes } from "./four-eyes";
import { type BlockingFreezes, checkFreeze } from "./freeze";
import { gateFailureTarget, revertTo, stepExposure } from "./last-known-good";
import type { DecideContext, Decision, RolloutCommand, RolloutEvent } from "./rollout-commands";
import { highRiskTags, isHighRisk, validatePlan } from "./rollout-plan";
import type { RolloutSnapshot } from "./rollout-types";
import { illegalTransition, stateLabel } from "./state-labels";

type Draft = { next: RolloutSnapshot; events: RolloutEvent[] };
type EventBody = RolloutEvent extends infer E
  ? E extends RolloutEvent
    ? Omit<E, "rolloutId" | "at" | "actor">
    : never
  : never;

function assertNever(value: never): never {
  throw new AppError("BAD_INPUT", `unknown value ${JSON.stringify(value)}`);
}

function illegal(r: RolloutSnapshot, command: RolloutCommand["type"], why?: string): AppError {
  return illegalTransition(r, command, why);
}

/** "step 2 (5%)", counted from 1 as the plan on screen shows it. */
function stepName(r: RolloutSnapshot, index: number): string {
  return `step ${index + 1} (${stepExposure(r, index)}%)`;
}

function isTerminal(r: RolloutSnapshot): boolean {
  switch (r.state) {
    case "completed":
    case "rolled_back":
    case "aborted":
      return true;
    case "draft":
    case "running":
    case "paused":
      return false;
    default:
      return assertNever(r.state);
  }
}

/**
 * The rollout state machine: given a snapshot, a command and the caller's clock/freeze/actor, the
 * next snapshot and the events to record. Throws AppError (ILLEGAL_TRANSITION, FROZEN, FORBIDDEN,
 * BAD_INPUT) and changes nothing when the command is refused. Does not touch `version`.
 */
export function decide(rollout: RolloutSnapshot, command: RolloutCommand, ctx: DecideContext): Decision {
  const emit = (body: EventBody): RolloutEvent =>
    ({ ...body, rolloutId: rollout.id, at: ctx.now, actor: ctx.actor.id }) as RolloutEvent;
  const result = run(rollout, command, ctx, emit);
  return { ...result, changed: result.next !== rollout };
}

function run(
  r: RolloutSnapshot,
  command: RolloutCommand,
  ctx: DecideContext,
  emit: (body: EventBody) => RolloutEvent,
): Draft {
  const overridden = (blocking: BlockingFreezes | null, reason: string | undefined): RolloutEvent[] =>
    blocking
      ? [
          emit({
            type: "rollout.freeze-overridden",
            command: command.type,
            incidents: blocking.incidents.map((i) => i.id),
            exhaustedBudgets: blocking.exhaustedBudgets.map(
              (b) => `${b.serviceId}:${b.slo} in ${b.environment}`,
            ),
            reason: reason ?? "",
          }),
        ]
      : [];

  // The step's exposure goes live and its hold starts.
  const goLive = (base: RolloutSnapshot, index: number): Draft => {
    const step = base.steps[index];
    if (!step) throw illegal(base, command.type, `step ${index + 1} does not exist`);
    const holdUntil = ctx.now + step.holdSeconds * 1000;
    const next: RolloutSnapshot = {
      ...base,
      state: "running",
      phase: "holding",
      currentStep: index,
      exposurePercent: step.exposurePercent,
      stepStartedAt: ctx.now,
      holdUntil,
      holdExtended: false,
    };
    const events = [
      emit({
        type: "rollout.step-entered",
        stepIndex: index,
        exposurePercent: step.exposurePercent,
        holdUntil,
      }),
    ];
    if (step.exposurePercent !== base.exposurePercent) {
      events.push(
        emit({
          type: "rollout.exposure-changed",
          fromPercent: base.exposurePercent,
          toPercent: step.exposurePercent,
        }),
      );
    }
    return { next, events };
  };

  // Entering a step either waits for approval (exposure unchanged) or goes live.
  const enterStep = (base: RolloutSnapshot, index: number): Draft => {
    const step = base.steps[index];
    if (!step) throw illegal(base, command.type, `step ${index + 1} does not exist`);
    if (!step.requiresApproval) return goLive(base, index);
    return {
      next: {
        ...base,
        state: "running",
        phase: "awaiting_approval",
        currentStep: index,
        stepStartedAt: null,
        holdUntil: null,
      },
      events: [
        emit({ type: "rollout.approval-requested", stepIndex: index, exposurePercent: step.exposurePercent }),
      ],
    };
  };

  const rollBack = (
    trigger: "kill" | "gates-failed",
    target: number,
    reason: string,
    failedGates: readonly string[],
  ) => {
    const next = revertTo(r, target);
    const events = [
      emit({
        type: "rollout.rolled-back",
        trigger,
        reason,
        failedGates,
        fromPercent: r.exposurePercent,
        toPercent: target,
      }),
    ];
    if (target !== r.exposurePercent) {
      events.push(
        emit({ type: "rollout.exposure-changed", fromPercent: r.exposurePercent, toPercent: target }),
      );
    }
    return { next, events };
  };

  const ignoreVerdict = (
    verdict: "gates-passed" | "gates-failed" | "gates-inconclusive",
    stepIndex: number,
    why: string,
  ): Draft => ({
    next: r,
    events: [emit({ type: "rollout.verdict-ignored", verdict, stepIndex, why })],
  });

  // A verdict about the step being held counts only once its hold is over; any other is ignored.
  const ignoreBeforeHoldEnd = (verdict: "gates-passed" | "gates-inconclusive", i: number): Draft | null => {
    if (r.state !== "running" || r.phase !== "holding") {
      return ignoreVerdict(verdict, i, `rollout is ${stateLabel(r)}, not holding a step`);
    }
    if (i !== r.currentStep) {
      return ignoreVerdict(verdict, i, `stale verdict: the current step is ${stepName(r, r.currentStep)}`);
    }
    if (r.holdUntil === null || ctx.now < r.holdUntil) {
      const left = r.holdUntil === null ? "unknown" : `${Math.ceil((r.holdUntil - ctx.now) / 1000)}s`;
      return ignoreVerdict(verdict, i, `${stepName(r, i)} is still in its hold (${left} left)`);
    }
    return null;
  };

  switch (command.type) {
    case "start": {
      if (r.state !== "draft") throw illegal(r, "start");
      validatePlan(r.steps, {
        highRisk: isHighRisk(r.tags),
        mechanism: r.mechanism,
        riskTags: highRiskTags(r.tags),
      });
      const blocking = checkFreeze("start", r, ctx.freeze, ctx.actor, command.override);
      const entered = enterStep({ ...r, startedBy: ctx.actor.id }, 0);
      return {
        next: entered.next,
        events: [
          ...overridden(blocking, command.override?.reason),
          emit({ type: "rollout.started" }),
          ...entered.events,
        ],
      };
    }

    case "advance": {
      if (r.state !== "running" || r.phase !== "ramping") {
        const why =
          r.state === "running" && r.phase === "holding"
            ? `${stepName(r, r.currentStep)} has not passed its hold and gates yet`
            : r.state === "running" && r.phase === "awaiting_approval"
              ? `${stepName(r, r.currentStep)} awaits approval`
              : undefined;
        throw illegal(r, "advance", why);
      }
      const nextIndex = r.currentStep + 1;
      if (nextIndex >= r.steps.length) throw illegal(r, "advance", "there is no step after the last");
      const blocking = checkFreeze(
        `advance to ${stepName(r, nextIndex)}`,
        r,
        ctx.freeze,
        ctx.actor,
        command.override,
      );
      const entered = enterStep(r, nextIndex);
      return {
        next: entered.next,
        events: [...overridden(blocking, command.override?.reason), ...entered.events],
      };
    }

    case "approve": {
      if (r.state !== "running" || r.phase !== "awaiting_approval") throw illegal(r, "approve");
      checkFourEyes(r, ctx.actor);
      const blocking = checkFreeze(
        `approve ${stepName(r, r.currentStep)}`,
        r,
        ctx.freeze,
        ctx.actor,
        command.override,
      );
      const live = goLive(r, r.currentStep);
      return {
        next: live.next,
        events: [
          ...overridden(blocking, command.override?.reason),
          emit({ type: "rollout.approved", stepIndex: r.currentStep }),
          ...live.events,
        ],
      };
    }

    case "pause": {
      switch (r.state) {
        case "paused":
          return { next: r, events: [] };
        case "draft":
        case "running":
          return {
            next: { ...r, state: "paused" },
            events: [
              emit({
                type: "rollout.paused",
                reason: command.reason ?? null,
                resumeInto: r.phase ?? "draft",
              }),
            ],
          };
        case "completed":
        case "rolled_back":
        case "aborted":
          throw illegal(r, "pause");
        default:
          return assertNever(r.state);
      }
    }

    case "resume": {
      if (r.state !== "paused") throw illegal(r, "resume");
      const blocking = checkFreeze("resume", r, ctx.freeze, ctx.actor, command.override);
      const before = overridden(blocking, command.override?.reason);
      if (r.phase === null) {
        return {
          next: { ...r, state: "draft" },
          events: [...before, emit({ type: "rollout.resumed", phase: "draft", holdUntil: null })],
        };
      }
      // A paused hold restarts in full, and the gates judge only the live traffic after the pause: what
      // paused it (a broken split, say) is not held against the step once a human has dealt with it.
      const step = r.steps[r.currentStep];
      const restart = r.phase === "holding" && step;
      const holdUntil = restart ? ctx.now + step.holdSeconds * 1000 : r.holdUntil;
      const hold = restart ? { stepStartedAt: ctx.now, holdExtended: false } : {};
      return {
        next: { ...r, state: "running", holdUntil, ...hold },
        events: [...before, emit({ type: "rollout.resumed", phase: r.phase, holdUntil })],
      };
    }

    case "abort": {
      if (isTerminal(r)) throw illegal(r, "abort");
      const events = [emit({ type: "rollout.aborted", reason: command.reason ?? null })];
      if (r.exposurePercent !== 0) {
        events.push(emit({ type: "rollout.exposure-changed", fromPercent: r.exposurePercent, toPercent: 0 }));
      }
      return {
        next: {
          ...r,
          state: "aborted",
          phase: null,
          exposurePercent: 0,
          stepStartedAt: null,
          holdUntil: null,
        },
        events,
      };
    }

    case "kill": {
      // Kill is never refused: in a terminal state it is recorded and changes nothing.
      if (isTerminal(r)) {
        return {
          next: r,
          events: [
            emit({
              type: "rollout.kill-ignored",
              reason: `rollout is already ${r.state} at ${r.exposurePercent}% (last-known-good ${r.lastKnownGoodPercent}%)`,
            }),
          ],
        };
      }
      return rollBack("kill", r.lastKnownGoodPercent, command.reason?.trim() || "kill switch", []);
    }

    case "gates-passed": {
      const i = command.stepIndex;
      const early = ignoreBeforeHoldEnd("gates-passed", i);
      if (early) return early;
      const passed = stepExposure(r, i);
      const events = [emit({ type: "rollout.step-passed", stepIndex: i, lastKnownGoodPercent: passed })];
      if (i === r.steps.length - 1) {
        events.push(emit({ type: "rollout.completed", exposurePercent: passed }));
        return {
          next: { ...r, state: "completed", phase: null, lastKnownGoodPercent: passed, holdUntil: null },
          events,
        };
      }
      return { next: { ...r, phase: "ramping", lastKnownGoodPercent: passed, holdUntil: null }, events };
    }

    case "gates-inconclusive": {
      const i = command.stepIndex;
      const early = ignoreBeforeHoldEnd("gates-inconclusive", i);
      if (early) return early;
      if (!r.holdExtended) {
        const holdUntil = ctx.now + (r.steps[i]?.holdSeconds ?? 0) * 1000;
        return {
          next: { ...r, holdUntil, holdExtended: true },
          events: [emit({ type: "rollout.hold-extended", stepIndex: i, holdUntil, reason: command.reason })],
        };
      }
      // Still no evidence after the extension: a human decides; exposure stays where it is.
      const reason = `${stepName(r, i)} still inconclusive after its extended hold: ${command.reason}`;
      return {
        next: { ...r, state: "paused" },
        events: [emit({ type: "rollout.paused", reason, resumeInto: r.phase ?? "draft" })],
      };
    }

    case "gates-failed": {
      const i = command.stepIndex;
      const live = (r.state === "running" || r.state === "paused") && r.currentStep >= 0;
      if (!live) return ignoreVerdict("gates-failed", i, `rollout is ${stateLabel(r)}, nothing to roll back`);
      const reason = `${command.failedGates.join(", ") || "gates"} failed at ${stepName(r, i)}: ${command.reason}`;
      if (command.critical)
        return rollBack("gates-failed", gateFailureTarget(r), reason, command.failedGates);
      if (r.state === "paused") return ignoreVerdict("gates-failed", i, "already paused");
      // A non-critical failure stops the ramp for a human to judge; exposure stays where it is.
      return {
        next: { ...r, state: "paused" },
        events: [emit({ type: "rollout.paused", reason, resumeInto: r.phase ?? "draft" })],
      };
    }

    default:
      return assertNever(command);
  }
}
