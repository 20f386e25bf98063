import type { GateConfig } from "../analysis/gate-config";

/** How exposure reaches users: a flag percentage, a traffic weight, rings of members, or a colour switch. */
export type Mechanism = "flag" | "canary" | "ring" | "blue-green";
export const MECHANISMS: readonly Mechanism[] = ["flag", "canary", "ring", "blue-green"];

export type RingMemberKind = "segment" | "tenant" | "region";
export interface RingMember {
  kind: RingMemberKind;
  id: string;
}
/** One ring of a ring rollout, e.g. internal → early → broad. Rings are cumulative. */
export interface RingSpec {
  name: string;
  members: readonly RingMember[];
}

export type Colour = "blue" | "green";

/** One step of a plan, as stored in Rollout.steps. */
export interface PlanStep {
  /** Share of traffic/users on the new release at this step, 0..100 in steps of 0.01. */
  exposurePercent: number;
  /** Minimum bake time at this exposure before its gates can pass the step. Always explicit, > 0. */
  holdSeconds: number;
  /** Entering this step waits for a human `approve`. */
  requiresApproval: boolean;
  gates: readonly GateConfig[];
  /** Ring rollouts only: the ring this step adds. */
  ring?: RingSpec;
}

export const ROLLOUT_STATES = ["draft", "running", "paused", "completed", "rolled_back", "aborted"] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];
export const TERMINAL_STATES: readonly RolloutState[] = ["completed", "rolled_back", "aborted"];

/** A stored state (a plain string) that no command leaves: completed, rolled back or aborted. */
export const isTerminalState = (state: string): boolean =>
  (TERMINAL_STATES as readonly string[]).includes(state);

/**
 * While running:
 * - holding: the current step's exposure is live and baking; it passes once its hold is over and
 *   its gates pass.
 * - ramping: the current step passed (it is the last-known-good); ready to ramp to the next step
 *   on `advance` (issued by an operator, or at once by the scheduler when auto-advancing).
 * - awaiting_approval: the current step needs approval; its exposure is not live yet.
 * While paused, `phase` keeps the phase to resume into (null when paused from draft).
 */
export type RunningPhase = "ramping" | "holding" | "awaiting_approval";

/** The rollout as the domain sees it. Times are epoch milliseconds. Mirrors the Rollout table. */
export interface RolloutSnapshot {
  id: string;
  /** Same identifier freezes use to name services. */
  serviceId: string;
  /** Its release's environment: a spent error budget freezes one environment of a service. */
  environment: string;
  mechanism: Mechanism;
  steps: readonly PlanStep[];
  /** Risk tags, e.g. "payment", "schema-affecting". */
  tags: readonly string[];
  /** Blue-green only: the colour the new release is deployed on. Defaults to green. */
  candidateColour?: Colour;
  state: RolloutState;
  phase: RunningPhase | null;
  /** Index into steps; -1 before the first step. */
  currentStep: number;
  exposurePercent: number;
  /** Highest exposure that passed its gates; 0 before the first step passes. */
  lastKnownGoodPercent: number;
  /** When the current step's exposure went live; null while it is not live. */
  stepStartedAt: number | null;
  /** When the current step's hold ends; only set while holding. */
  holdUntil: number | null;
  /** The current step's hold was extended once for want of evidence; the next inconclusive end pauses. */
  holdExtended: boolean;
  /** Optimistic-lock counter; the service increments it on every write. */
  version: number;
  /** Actor id that created the rollout, when known (four eyes on high-risk approvals). */
  createdBy?: string | null;
  /** Actor id that started the rollout; set by `start` (four eyes on high-risk approvals). */
  startedBy?: string | null;
}

export type ActorRole = "viewer" | "operator" | "release_manager" | "auditor" | "admin" | "system";
export interface Actor {
  /** User id, or "system:<component>" for the evaluator and scheduler. */
  id: string;
  role: ActorRole;
}
