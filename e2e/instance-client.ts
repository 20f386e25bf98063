import { createDb } from "../server/db/client";
import { defaultGates } from "../server/domain/analysis/default-gates";
import { EventBus } from "../server/services/events/event-bus";
import { createApiToken } from "../server/services/tokens/create-api-token";
import { queryDatabase } from "./server-process";

/**
 * What the multi-process journeys (several instances, outages, crashes) do to a running Sluice: its
 * REST API with a machine token, and reads of the shared database to check what it holds.
 */

export interface Reply {
  status: number;
  json: Record<string, unknown>;
}

/** A token with every scope the journeys use, issued straight into the database (no demo users there). */
export async function issueToken(databaseUrl: string): Promise<string> {
  const db = createDb(databaseUrl);
  try {
    const { secret } = await createApiToken(
      { db, events: new EventBus(), now: () => new Date() },
      { id: "journey-admin", name: "journey", role: "admin" },
      { name: `journey-${Date.now()}`, scopes: ["read", "rollouts:write"] },
    );
    return secret;
  } finally {
    await db.$disconnect();
  }
}

/** Calls /api/v1 on one instance; a refused connection (the instance is down) is status 0. */
export function restClient(baseUrl: string, token: string) {
  return async (
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    try {
      const response = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    } catch (error) {
      return { status: 0, json: { error: String(error) } };
    }
  };
}
export type Rest = ReturnType<typeof restClient>;

/**
 * Gates for journeys that need a healthy rollout to keep running (crashes, takeovers, a page's layout):
 * latency only, since a few seconds of a small canary hold too few errors and conversions to judge
 * those, with a "twice as slow" margin. With the default margins a healthy canary is rolled back now and
 * then by design (α per gate), and runs were: 35 of 1,588 canary requests above the p95 bound where 18
 * were expected; a 2% ring's median +14% on 174 requests.
 */
export const calmGates = () =>
  defaultGates()
    .filter((gate) => gate.metric.startsWith("latency"))
    .map((gate) => ({ ...gate, minRelativeChange: 1 }));

/** A canary plan with holds of seconds, passed by the simulator's one-second intervals. */
export const shortPlan = (percents: number[], holdSeconds: number) =>
  percents.map((exposurePercent) => ({
    exposurePercent,
    holdSeconds,
    requiresApproval: false,
    gates: calmGates(),
  }));

/** Registers a deploy of `service` and creates a draft canary rollout of it; returns its id. */
export async function createDraft(rest: Rest, service: string, steps: ReturnType<typeof shortPlan>) {
  const release = { service, environment: "production", version: "1.0.0" };
  const deploy = await rest("POST", "/deploys", { ...release, artifact: `registry.local/${service}:1.0.0` });
  if (deploy.status >= 300) throw new Error(`deploy of ${service}: ${JSON.stringify(deploy)}`);
  const created = await rest("POST", "/rollouts", { ...release, mechanism: "canary", steps });
  if (created.status !== 201) throw new Error(`rollout of ${service}: ${JSON.stringify(created)}`);
  return created.json.id as string;
}

export interface RolloutRow {
  id: string;
  state: string;
  phase: string | null;
  currentStep: number;
  exposurePercent: number;
  version: number;
}

export async function rolloutRow(databaseUrl: string, id: string): Promise<RolloutRow> {
  const [row] = await queryDatabase<RolloutRow>(
    databaseUrl,
    `SELECT id, state, phase, "currentStep", "exposurePercent", version FROM "Rollout" WHERE id = $1`,
    [id],
  );
  if (!row) throw new Error(`no rollout ${id}`);
  return { ...row, exposurePercent: Number(row.exposurePercent) };
}

export interface AuditRow {
  id: string;
  action: string;
  actor: string;
  after: { exposurePercent?: number; event?: { stepIndex?: number } } | null;
}

export const rolloutAudit = (databaseUrl: string, id: string) =>
  queryDatabase<AuditRow>(
    databaseUrl,
    `SELECT id, action, actor, after FROM "AuditEvent" WHERE "targetId" = $1 ORDER BY id`,
    [id],
  );

/** Each step entered and passed at most once: the same step transition twice is a double advance. */
export function duplicateTransitions(history: AuditRow[]): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const event of history) {
    if (event.action !== "rollout.step-entered" && event.action !== "rollout.step-passed") continue;
    const key = `${event.action}#${event.after?.event?.stepIndex}`;
    if (seen.has(key)) duplicates.push(key);
    seen.add(key);
  }
  return duplicates;
}

/** What /healthz or /readyz says, or null while the instance does not answer. */
export async function probe(baseUrl: string, path: "/healthz" | "/readyz") {
  try {
    const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as { status: string; role: string } };
  } catch {
    return null;
  }
}
