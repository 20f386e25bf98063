import { USER_COMMANDS, type UserCommand } from "../domain/rollout";
import { ARGO_ROUTES } from "../integrations/argo/argo-routes";
import { FLAGGER_ROUTES } from "../integrations/flagger/flagger-routes";
import { exportAuditDocument } from "../services/audit/export-audit-events";
import { pageAuditEvents } from "../services/audit/list-audit-events";
import { verifyAuditChain } from "../services/audit/verify-audit-chain";
import { registerDeploy } from "../services/deploys/register-deploy";
import { loadActiveFreezes } from "../services/freezes/load-freeze-state";
import { declareIncident } from "../services/incidents/declare-incident";
import { resolveIncident } from "../services/incidents/resolve-incident";
import { ingestSamples } from "../services/metrics/ingest-samples";
import { storeServiceSamples } from "../services/metrics/store-service-samples";
import { advanceSchemaPhase } from "../services/rollouts/advance-schema-phase";
import { createRollout } from "../services/rollouts/create-rollout";
import { getRollout } from "../services/rollouts/get-rollout";
import { killRollouts } from "../services/rollouts/kill-rollouts";
import { pageRollouts } from "../services/rollouts/list-rollouts";
import { runRolloutCommand } from "../services/rollouts/run-rollout-command";
import type { TokenScope } from "../services/tokens/token-scopes";
import { ApiError } from "./api-errors";
import { type ApiRoute, defineRoute } from "./api-route";
import {
  auditExportQuery,
  auditListQuery,
  commandBody,
  createRolloutBody,
  deployBody,
  exposureHeaders,
  idempotencyHeaders,
  incidentBody,
  killBody,
  metricsBody,
  pauseCommandBody,
  reasonedCommandBody,
  rolloutIdParams,
  rolloutListQuery,
  serviceMetricsBody,
  serviceParams,
} from "./api-schemas";
import { freezesJson, incidentJson, outcomeJson, releaseJson, rolloutJson } from "./api-views";

/** One key from the body or the Idempotency-Key header; two different ones are a client bug. */
function idempotencyKeyOf(body: { idempotencyKey?: string }, headers: { "idempotency-key"?: string }) {
  const header = headers["idempotency-key"];
  if (body.idempotencyKey && header && body.idempotencyKey !== header) {
    throw new ApiError(
      "BAD_INPUT",
      "idempotencyKey: differs from the Idempotency-Key header",
      "idempotencyKey",
    );
  }
  return body.idempotencyKey ?? header;
}

/** A token reads emails and client addresses with audit:export, as the roles that export do; else hidden. */
const personalDataOf = (scopes: readonly TokenScope[]) => ({ personalData: scopes.includes("audit:export") });

const COMMAND_SUMMARIES: Record<UserCommand, string> = {
  start: "Start a draft rollout: its first step goes live (or awaits approval)",
  advance: "Ramp a rollout whose current step passed to its next step",
  approve: "Approve the step awaiting approval: its exposure goes live",
  pause: "Pause a rollout where it is (allowed during a freeze)",
  resume: "Resume a paused rollout; a paused hold restarts in full",
  abort: "Abort a rollout: exposure back to 0%",
  kill: "Kill switch for one rollout: exposure back to its last-known-good (allowed during a freeze)",
};

function commandRoute(type: UserCommand): ApiRoute {
  const reasoned = type === "pause" || type === "abort" || type === "kill";
  const needsReason = type === "abort" || type === "kill";
  return defineRoute({
    method: "POST",
    path: `/rollouts/{id}/${type}`,
    operationId: `${type}Rollout`,
    summary: COMMAND_SUMMARIES[type],
    scopes: ["rollouts:write"],
    params: rolloutIdParams,
    headers: idempotencyHeaders,
    body: needsReason ? reasonedCommandBody : reasoned ? pauseCommandBody : commandBody,
    responses: { 200: "The outcome; `repeated` when the idempotency key had already been used" },
    errors: ["NOT_FOUND", "CONFLICT", "ILLEGAL_TRANSITION", "FROZEN"],
    async handle({ services, actor, params, headers, body }) {
      const command = reasoned ? { type, reason: (body as { reason?: string }).reason } : { type };
      const outcome = await runRolloutCommand(services, actor, params.id, command, {
        expectedVersion: body.expectedVersion,
        idempotencyKey: idempotencyKeyOf(body, headers),
      });
      return { status: 200, body: outcomeJson(outcome) };
    },
  });
}

/** Every route of /api/v1. The handler and the OpenAPI document both read this table. */
export const API_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: "POST",
    path: "/deploys",
    operationId: "registerDeploy",
    summary: "Record that an artifact reached an environment (exposes nothing); idempotent",
    scopes: ["rollouts:write"],
    body: deployBody,
    responses: { 201: "Registered", 200: "Already registered: the first record, unchanged" },
    errors: ["CONFLICT"],
    async handle({ services, actor, body }) {
      const { release, created } = await registerDeploy(services, actor, body);
      return { status: created ? 201 : 200, body: releaseJson(body.service, release, created) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/rollouts",
    operationId: "createRollout",
    summary: "Create a draft rollout of a deployed release; the plan is checked before anything is stored",
    scopes: ["rollouts:write"],
    headers: idempotencyHeaders,
    body: createRolloutBody,
    responses: {
      201: "Created as a draft; Location names it",
      200: "Already created with this idempotency key",
    },
    errors: ["NOT_FOUND"],
    async handle({ services, actor, headers, body }) {
      const { id, repeated } = await createRollout(services, actor, {
        ...body,
        idempotencyKey: idempotencyKeyOf(body, headers),
      });
      return {
        status: repeated ? 200 : 201,
        body: { id, repeated },
        headers: { Location: `/api/v1/rollouts/${id}` },
      };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/rollouts/{id}/schema-phase",
    operationId: "advanceSchemaPhase",
    summary:
      "Move a schema-affecting rollout expand → migrate → contract (contract only once at 100% and baked)",
    scopes: ["rollouts:write"],
    params: rolloutIdParams,
    responses: { 200: "The schema change's new phase" },
    errors: ["NOT_FOUND", "CONFLICT", "ILLEGAL_TRANSITION"],
    async handle({ services, actor, params }) {
      return { status: 200, body: await advanceSchemaPhase(services, actor, params.id) };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/rollouts",
    operationId: "listRollouts",
    summary: "Rollouts, newest first, a page at a time; filtered by service, environment and state",
    scopes: ["read"],
    query: rolloutListQuery,
    responses: { 200: "The rollouts, and the cursor of the next older page (null on the last)" },
    errors: ["NOT_FOUND"],
    async handle({ services, query }) {
      const { state, ...filter } = query;
      const page = await pageRollouts(services, { ...filter, states: state });
      return { status: 200, body: { rollouts: page.rollouts.map(rolloutJson), nextCursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/rollouts/{id}",
    operationId: "getRollout",
    summary: "One rollout",
    scopes: ["read"],
    params: rolloutIdParams,
    responses: { 200: "The rollout" },
    errors: ["NOT_FOUND"],
    async handle({ services, params }) {
      return { status: 200, body: rolloutJson(await getRollout(services, params.id)) };
    },
  }),
  ...USER_COMMANDS.map(commandRoute),
  defineRoute({
    method: "POST",
    path: "/kill",
    operationId: "killRollouts",
    summary: "Kill switch for a service or everything: active rollouts back to last-known-good",
    description:
      "Needs an idempotency key (body or header): retries and concurrent calls revert once, and cover " +
      "the rollouts the first call covered, never one started since. The key on another scope is a 409. " +
      "The first call is audited as rollout.kill-requested (who, why, scope, the rollouts covered), even " +
      "with nothing active.",
    scopes: ["rollouts:write"],
    headers: idempotencyHeaders,
    body: killBody,
    responses: { 200: "One outcome per rollout in scope (empty when none was active)" },
    errors: ["CONFLICT"],
    async handle({ services, actor, headers, body }) {
      const key = idempotencyKeyOf(body, headers);
      if (!key)
        throw new ApiError("BAD_INPUT", "idempotencyKey: a kill needs an idempotency key", "idempotencyKey");
      const scope = body.service === undefined ? { all: true as const } : { service: body.service };
      const outcomes = await killRollouts(services, actor, scope, {
        reason: body.reason,
        idempotencyKey: key,
      });
      return { status: 200, body: { outcomes: outcomes.map(outcomeJson) } };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/incidents",
    operationId: "reportIncident",
    summary: "An incident tool reports an incident: active freezes its services, resolved lifts the freeze",
    description:
      "Idempotent per `id` (the tool's own id). While active, start/advance/approve/resume of the named " +
      "services answer 423 FROZEN; pause and kill still work. Resolving needs only `id` and `status`; " +
      "resolving an id never declared is 404.",
    scopes: ["incidents:write"],
    body: incidentBody,
    responses: { 200: "The incident as Sluice holds it" },
    errors: ["NOT_FOUND", "CONFLICT"],
    async handle({ services, actor, body, scopes }) {
      const incident =
        body.status === "active"
          ? await declareIncident(services, actor, {
              externalId: body.id,
              title: body.title,
              severity: body.severity,
              services: body.services,
            })
          : await resolveIncident(services, actor, { externalId: body.id }, { field: "id" });
      return { status: 200, body: incidentJson(incident, personalDataOf(scopes)) };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/freezes",
    operationId: "listFreezes",
    summary: "What freezes progressive delivery right now: active incidents and spent error budgets",
    scopes: ["read"],
    responses: { 200: "The active incidents (oldest first) and the SLOs whose error budget is spent" },
    async handle({ services, scopes }) {
      return { status: 200, body: freezesJson(await loadActiveFreezes(services.db), personalDataOf(scopes)) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/metrics",
    operationId: "ingestMetrics",
    summary: "Push cohort samples (baseline and canary) for rollouts' gates",
    description:
      "The whole batch is refused when any sample is invalid, naming `samples[i].field`. A retried batch " +
      "stores nothing twice: samples are keyed by rollout, cohort and interval end. The reply puts every " +
      "index in one list: stored (`storedIndexes`), already there with the same values (`duplicateIndexes`), " +
      "or already there with other values (`conflictIndexes`): a corrected resend is not stored, since the " +
      "stored sample may already have been judged; `conflictDetails` names its key and each differing field " +
      "(`samples[i]: … (sent ≠ stored: requests 120 ≠ 118) …`). Still a 200, as the rest of the batch is stored.",
    scopes: ["metrics:write"],
    body: metricsBody,
    responses: {
      200: "Which samples were stored, which were already there, and which conflict with a stored sample",
    },
    errors: ["NOT_FOUND"],
    async handle({ services, body }) {
      return { status: 200, body: await ingestSamples(services, body.samples) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/service-metrics",
    operationId: "ingestServiceMetrics",
    summary: "Push services' whole traffic per environment, for their SLOs",
    description:
      "What SLOs judge, rollout or not: without it, a push-only setup's SLOs see traffic only while a " +
      "rollout runs. Keyed by service, environment and interval end; the reply sorts every index as for " +
      "`/metrics`: stored, duplicate, or conflict (already there with other values: the first stands).",
    scopes: ["metrics:write"],
    body: serviceMetricsBody,
    responses: { 200: "Which samples were stored, which were already there, and which conflict" },
    errors: ["NOT_FOUND"],
    async handle({ services, body }) {
      return { status: 200, body: await storeServiceSamples(services, body.samples) };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/exposure/{service}",
    operationId: "getExposure",
    summary: "The exposure a router, mesh or SDK should apply for a service, with an ETag",
    scopes: ["read", "flags:evaluate"],
    params: serviceParams,
    headers: exposureHeaders,
    responses: { 200: "The desired exposure", 304: "Unchanged since the ETag in If-None-Match" },
    errors: ["NOT_FOUND"],
    async handle({ exposure, params, headers }) {
      const { body, etag } = await exposure.get(params.service);
      const cache = { ETag: etag, "Cache-Control": "no-cache" };
      if (etagMatches(headers["if-none-match"], etag)) return { status: 304, headers: cache };
      return { status: 200, body, headers: cache };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/audit",
    operationId: "listAuditEvents",
    summary: "Audit events, newest first, a page at a time, each with its prevHash and hash",
    description:
      "Emails and client addresses read `(hidden)` unless the token also has the `audit:export` scope, " +
      "as for the roles that export; without it, filtering `actor` or `targetId` on an email is 403. " +
      "Such events no longer match their hashes: check the chain with /audit/verify.",
    scopes: ["read"],
    query: auditListQuery,
    responses: { 200: "The events, and the cursor of the next older page (null on the last)" },
    errors: ["NOT_FOUND"],
    async handle({ services, query, scopes }) {
      return { status: 200, body: await pageAuditEvents(services, query, personalDataOf(scopes)) };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/audit/verify",
    operationId: "verifyAuditChain",
    summary: "Walk the audit hash chain: ok with its head, or the first broken event and what is wrong",
    description:
      "`edited`: an event no longer matches its hash. `link-broken`: an event does not follow the one " +
      "before it (an event was deleted, inserted or reordered). `unhashed`: a chained event lost its hash.",
    scopes: ["read"],
    responses: { 200: "The verification (a broken chain is still 200: the answer is the finding)" },
    async handle({ services }) {
      return { status: 200, body: await verifyAuditChain(services) };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/audit/export",
    operationId: "exportAuditEvents",
    summary: "The audit history, oldest first (up to 100,000 events), with the chain's verification",
    scopes: ["audit:export"],
    query: auditExportQuery,
    responses: { 200: "The export document: chain and range verification, then the events" },
    errors: ["NOT_FOUND"],
    async handle({ services, query }) {
      return { status: 200, body: await exportAuditDocument(services, query) };
    },
  }),
  ...FLAGGER_ROUTES,
  ...ARGO_ROUTES,
];

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
