import { AppError } from "../errors";
import type { Actor } from "./rollout-types";

export interface ActiveIncident {
  id: string;
  /** What people call it; the id stands in when there is none. */
  title?: string;
  severity: string;
  /** Services the incident freezes, or "*" for all. */
  services: readonly string[] | "*";
}

export interface ExhaustedBudget {
  serviceId: string;
  /** The SLO's environment: only that environment's rollouts are frozen. */
  environment: string;
  /** Which SLO's budget is spent, e.g. "availability". */
  slo: string;
}

/** What a freeze is checked against: a rollout's service and its release's environment. */
export interface FreezeTarget {
  serviceId: string;
  environment: string;
}

/** Everything currently freezing releases, as gathered by the service. */
export interface FreezeState {
  incidents: readonly ActiveIncident[];
  exhaustedBudgets: readonly ExhaustedBudget[];
}

/** Break-glass: a release manager proceeds despite a freeze, with a written reason. */
export interface FreezeOverride {
  reason: string;
}

export interface BlockingFreezes {
  incidents: ActiveIncident[];
  exhaustedBudgets: ExhaustedBudget[];
}

/** Only those who may run the commands a freeze stops (start, advance, approve, resume) can break glass. */
const OVERRIDE_ROLES = new Set<Actor["role"]>(["release_manager"]);

/** An incident freezes its services everywhere; a spent budget, its SLO's environment only. */
export function blockingFreezes(freeze: FreezeState | null, target: FreezeTarget): BlockingFreezes {
  if (!freeze) return { incidents: [], exhaustedBudgets: [] };
  const { serviceId, environment } = target;
  return {
    incidents: freeze.incidents.filter((i) => i.services === "*" || i.services.includes(serviceId)),
    exhaustedBudgets: freeze.exhaustedBudgets.filter(
      (b) => b.serviceId === serviceId && b.environment === environment,
    ),
  };
}

export const freezesAnything = (b: BlockingFreezes): boolean =>
  b.incidents.length > 0 || b.exhaustedBudgets.length > 0;

/** The freezes as API messages and the audit name them (incidents by id), or as people read them. */
export function describeFreezes(b: BlockingFreezes, forPeople = false): string {
  return [
    ...b.incidents.map((i) =>
      forPeople && i.title ? `incident “${i.title}” (${i.severity})` : `incident ${i.id} (${i.severity})`,
    ),
    ...b.exhaustedBudgets.map((e) => `exhausted ${e.slo} error budget of ${e.serviceId} in ${e.environment}`),
  ].join(", ");
}

/**
 * Refuses a command that would raise or re-enable exposure while the service is frozen, unless a
 * release manager breaks glass with a reason. Returns the freezes overridden (empty when none).
 */
export function checkFreeze(
  command: string,
  target: FreezeTarget,
  freeze: FreezeState | null,
  actor: Actor,
  override: FreezeOverride | undefined,
): BlockingFreezes | null {
  const blocking = blockingFreezes(freeze, target);
  if (!freezesAnything(blocking)) return null;
  const what = describeFreezes(blocking);
  if (!override) {
    throw new AppError(
      "FROZEN",
      `${command} refused: ${target.serviceId} is frozen by ${what}; a release manager may override with a written reason`,
      "override",
      `frozen by ${describeFreezes(blocking, true)}; a release manager may override with a written reason`,
    );
  }
  if (!OVERRIDE_ROLES.has(actor.role)) {
    throw new AppError(
      "FORBIDDEN",
      `${command} refused: only a release manager may override the freeze (${what})`,
      "override",
    );
  }
  if (override.reason.trim() === "") {
    throw new AppError(
      "BAD_INPUT",
      `override.reason: overriding the freeze (${what}) needs a written reason`,
      "override.reason",
    );
  }
  return blocking;
}
