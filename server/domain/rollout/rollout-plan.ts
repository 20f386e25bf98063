import type { GateConfig } from "../analysis/gate-config";
import { AppError } from "../errors";
import type { Mechanism, PlanStep } from "./rollout-types";

/** Tags that make a rollout high-risk: no jumping straight to 100%. */
export const HIGH_RISK_TAGS = ["schema-affecting", "auth", "payment", "irreversible"] as const;

export function highRiskTags(tags: readonly string[]): string[] {
  return tags.filter((t) => (HIGH_RISK_TAGS as readonly string[]).includes(t));
}

export function isHighRisk(tags: readonly string[]): boolean {
  return highRiskTags(tags).length > 0;
}

/** A hold beyond a year is a typo (and its end would soon not fit a timestamp). */
export const MAX_HOLD_SECONDS = 365 * 24 * 3600;

export const DEFAULT_CANARY_RAMP: readonly number[] = [1, 5, 25, 50, 100];

/** The default canary plan 1 → 5 → 25 → 50 → 100, with the same gates and hold on every step. */
export function defaultCanaryPlan(options: {
  gates: readonly GateConfig[];
  holdSeconds?: number;
  /** Ask for approval before going to 100%. */
  approveFullExposure?: boolean;
}): PlanStep[] {
  return DEFAULT_CANARY_RAMP.map((exposurePercent) => ({
    exposurePercent,
    holdSeconds: options.holdSeconds ?? 600,
    requiresApproval: exposurePercent === 100 && (options.approveFullExposure ?? false),
    gates: options.gates,
  }));
}

/** Blue-green: deploy the idle colour and check it at 0%, then cut all traffic over. */
export function blueGreenPlan(options: {
  gates: readonly GateConfig[];
  preCutoverHoldSeconds?: number;
  holdSeconds?: number;
  approveCutover?: boolean;
}): PlanStep[] {
  return [
    {
      exposurePercent: 0,
      holdSeconds: options.preCutoverHoldSeconds ?? 300,
      requiresApproval: false,
      gates: options.gates,
    },
    {
      exposurePercent: 100,
      holdSeconds: options.holdSeconds ?? 600,
      requiresApproval: options.approveCutover ?? false,
      gates: options.gates,
    },
  ];
}

function bad(field: string, message: string): AppError {
  return new AppError("BAD_INPUT", `${field}: ${message}`, field);
}

/** Not a type guard on purpose: Array.isArray would widen readonly typed lists to any[]. */
function isNonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function isBasisPoints(percent: number): boolean {
  return Math.abs(Math.round(percent * 100) - percent * 100) < 1e-6;
}

/**
 * Refuses an unsafe plan with BAD_INPUT naming the step and field, e.g. "steps[2].holdSeconds: ...".
 * Steps are read defensively because plans arrive as stored JSON.
 */
export function validatePlan(
  steps: readonly PlanStep[],
  options: { highRisk: boolean; mechanism?: Mechanism; riskTags?: readonly string[] },
): void {
  if (!isNonEmptyList(steps)) throw bad("steps", "a plan needs at least one step");
  const mechanism = options.mechanism;
  const ringNames = new Set<string>();
  steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    const p = step.exposurePercent;
    if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 100) {
      throw bad(`${at}.exposurePercent`, `must be a number within 0..100, got ${String(p)}`);
    }
    if (!isBasisPoints(p)) throw bad(`${at}.exposurePercent`, `precision is 0.01%, got ${p}`);
    if (p === 0 && mechanism !== "blue-green") {
      throw bad(`${at}.exposurePercent`, "must be above 0% (only blue-green checks an idle colour at 0%)");
    }
    const prev = i > 0 ? steps[i - 1] : undefined;
    if (prev && !(p > prev.exposurePercent)) {
      throw bad(
        `${at}.exposurePercent`,
        `must be greater than steps[${i - 1}] (${prev.exposurePercent}%): exposures strictly increase`,
      );
    }
    const hold = step.holdSeconds;
    if (typeof hold !== "number" || !Number.isFinite(hold) || hold <= 0) {
      throw bad(
        `${at}.holdSeconds`,
        `every step needs an explicit hold above 0 seconds, got ${String(hold)}`,
      );
    }
    if (hold > MAX_HOLD_SECONDS)
      throw bad(`${at}.holdSeconds`, `must be at most a year (${MAX_HOLD_SECONDS} s), got ${hold}`);
    if (typeof step.requiresApproval !== "boolean") {
      throw bad(`${at}.requiresApproval`, "must be true or false");
    }
    if (!isNonEmptyList(step.gates)) {
      throw bad(`${at}.gates`, "every step needs at least one gate");
    }
    step.gates.forEach((gate, g) => {
      if (typeof gate?.name !== "string" || gate.name.trim() === "") {
        throw bad(`${at}.gates[${g}].name`, "a gate needs a name");
      }
    });
    if (mechanism === "ring") {
      const ring = step.ring;
      if (!ring || typeof ring.name !== "string" || ring.name.trim() === "") {
        throw bad(`${at}.ring`, "a ring rollout names the ring each step adds");
      }
      if (ringNames.has(ring.name)) throw bad(`${at}.ring.name`, `ring "${ring.name}" appears twice`);
      ringNames.add(ring.name);
      if (!isNonEmptyList(ring.members)) {
        throw bad(`${at}.ring.members`, `ring "${ring.name}" needs at least one segment, tenant or region`);
      }
    } else if (mechanism !== undefined && step.ring !== undefined) {
      throw bad(`${at}.ring`, `only ring rollouts name rings, this is a ${mechanism} rollout`);
    }
  });

  if (mechanism === "blue-green") {
    const [idle, cutover] = steps;
    if (steps.length !== 2 || idle?.exposurePercent !== 0 || cutover?.exposurePercent !== 100) {
      throw bad("steps", "a blue-green plan has exactly two steps: 0% (idle colour) then 100% (cutover)");
    }
  }

  // High-risk changes must prove themselves on a partial exposure first.
  const first = steps[0];
  if (options.highRisk && first && first.exposurePercent >= 100) {
    const why = options.riskTags?.length ? ` (${options.riskTags.join(", ")})` : "";
    throw bad(
      "steps[0].exposurePercent",
      `a high-risk rollout${why} may not jump straight to 100%; add at least one smaller step first`,
    );
  }
}
