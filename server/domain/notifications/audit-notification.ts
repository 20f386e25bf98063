import type { AuditEventContent } from "../audit";
import type { GateLine, Notification, NotificationKind } from "./notification";

/** An audit event as stored (its id the BigInt, which orders the history). */
export type NotifiableAuditEvent = Omit<AuditEventContent, "id"> & { id: bigint };

/** What the dispatcher looked up about the event's subject. */
export interface NotificationContext {
  /** Sluice's public origin, e.g. https://sluice.example (no trailing slash). */
  baseUrl: string;
  rollout?: { service: string; version: string };
  gates?: readonly GateLine[];
}

/** The audit actions that can become a notification; the dispatcher reads only these. */
export const NOTIFIABLE_ACTIONS = [
  "rollout.rolled-back",
  "rollout.approval-requested",
  "rollout.step-passed",
  "incident.declared",
  "incident.updated",
  "incident.resolved",
  "slo.budget-exhausted",
  "slo.budget-restored",
] as const;

/** The kind of notification an audit event is, or null for one nobody is told about. */
export function notificationKindOf(
  event: Pick<NotifiableAuditEvent, "action" | "after">,
): NotificationKind | null {
  switch (event.action) {
    case "rollout.rolled-back":
      return field(rolloutEvent(event.after), "trigger") === "kill" ? "kill" : "auto-rollback";
    case "rollout.approval-requested":
      return "approval-needed";
    case "rollout.step-passed":
      return "step-completed";
    // Those told of a freeze are told when it lifts.
    case "incident.declared":
    case "incident.updated":
    case "incident.resolved":
    case "slo.budget-exhausted":
    case "slo.budget-restored":
      return "freeze";
    default:
      return null;
  }
}

/** The step an audit event is about, for looking up its gate judgements; null if none. */
export function stepIndexOf(event: Pick<NotifiableAuditEvent, "action" | "before" | "after">): number | null {
  const index =
    event.action === "rollout.rolled-back"
      ? field(event.before, "currentStep")
      : field(rolloutEvent(event.after), "stepIndex");
  return typeof index === "number" && index >= 0 ? index : null;
}

/** Turns an audit event into the notification people get, or null when it is not one. */
export function toNotification(
  event: NotifiableAuditEvent,
  context: NotificationContext,
): Notification | null {
  const kind = notificationKindOf(event);
  if (!kind) return null;
  const rolloutAfter = rolloutEvent(event.after);
  const label = context.rollout
    ? `${context.rollout.service} ${context.rollout.version}`
    : `rollout ${event.targetId}`;
  const step = stepIndexOf(event);
  const stepLabel = step === null ? "" : ` (step ${step + 1})`;
  const base = {
    kind,
    failedGates: [] as readonly string[],
    gates: context.gates ?? [],
    actor: event.actor,
    at: event.at.toISOString(),
    link: `${context.baseUrl}/rollouts/${encodeURIComponent(event.targetId)}`,
    subject: {
      type: event.targetType,
      id: event.targetId,
      service: context.rollout?.service ?? null,
      version: context.rollout?.version ?? null,
    },
    auditEventId: event.id.toString(),
  };
  switch (kind) {
    case "auto-rollback":
    case "kill": {
      const from = field(rolloutAfter, "fromPercent");
      const to = field(rolloutAfter, "toPercent");
      const failed = field(rolloutAfter, "failedGates");
      return {
        ...base,
        title: kind === "kill" ? `${label} killed` : `${label} rolled back automatically`,
        what: `Exposure went from ${percent(from)} to ${percent(to)}${stepLabel}, the last known good.`,
        why: event.reason,
        failedGates: Array.isArray(failed) ? failed.map(String) : [],
      };
    }
    case "approval-needed":
      return {
        ...base,
        title: `${label} needs approval`,
        what: `The next step${stepLabel} goes to ${percent(field(rolloutAfter, "exposurePercent"))} once a release manager approves it.`,
        why: event.reason ?? "the plan requires an approval before this step",
      };
    case "step-completed":
      return {
        ...base,
        title: `${label} completed step ${(step ?? 0) + 1}`,
        what: `The step passed its gates; ${percent(field(rolloutAfter, "lastKnownGoodPercent"))} is now the last known good exposure.`,
        why: event.reason ?? "every gate passed over the hold",
      };
    case "freeze":
      return { ...base, ...freezeNotice(event, context) };
  }
}

/** What a freeze's start, widening or lifting says; those told of a freeze are told when it lifts. */
function freezeNotice(
  event: NotifiableAuditEvent,
  context: NotificationContext,
): Pick<Notification, "title" | "what" | "why" | "link"> {
  const incidents = `${context.baseUrl}/incidents`;
  const slos = `${context.baseUrl}/slos`;
  const environment = String(field(field(event.after, "slo"), "environment") ?? "its SLO's environment");
  const others = "(other incidents or spent error budgets may still freeze them)";
  switch (event.action) {
    case "incident.resolved":
      return {
        title: "Delivery unfrozen: incident resolved",
        what: `Incident “${event.reason ?? event.targetId}” no longer freezes starts, advances, approvals and resumes ${others}.`,
        why: null,
        link: incidents,
      };
    case "slo.budget-exhausted":
      return {
        title: "Delivery frozen: error budget exhausted",
        what: `Starts, advances, approvals and resumes of the service in ${environment} are frozen until its error budget recovers.`,
        why: event.reason,
        link: slos,
      };
    case "slo.budget-restored":
      return {
        title: "Delivery unfrozen: error budget recovered",
        what: `Starts, advances, approvals and resumes of the service in ${environment} are no longer frozen by its error budget ${others}.`,
        why: event.reason,
        link: slos,
      };
    default:
      return {
        // A repeat declaration may widen the freeze to services nobody was told about.
        title: `Delivery frozen: incident ${event.action === "incident.updated" ? "updated" : "declared"}`,
        what: `Incident (${String(field(event.after, "severity") ?? "no severity")}) freezes starts, advances, approvals and resumes of ${services(field(event.after, "services"))}.`,
        why: event.reason,
        link: incidents,
      };
  }
}

function rolloutEvent(after: unknown): unknown {
  return field(after, "event");
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function percent(value: unknown): string {
  return typeof value === "number" ? `${value}%` : "?%";
}

function services(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return "the named services";
  return value.includes("*") ? "every service" : value.map(String).join(", ");
}
