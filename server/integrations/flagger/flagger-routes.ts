import { zodToApiError } from "../../api/api-errors";
import { type ApiRoute, defineRoute } from "../../api/api-route";
import { FLAGGER_GATE_HOOKS, type FlaggerGateHook } from "../../domain/controllers/flagger-gate";
import { answerFlaggerGateHook } from "./answer-flagger-hook";
import { canaryMetadata, flaggerEventBody, flaggerHookBody } from "./flagger-schemas";
import { recordFlaggerEvent } from "./record-flagger-event";

/**
 * Flagger cannot send headers from a Canary's webhook spec (fluxcd/flagger#1192), so a token may also
 * come as `metadata.token`; the Authorization header wins when both are sent.
 */
function metadataToken(body: unknown): string | undefined {
  const token = (body as { metadata?: { token?: unknown } } | null)?.metadata?.token;
  return typeof token === "string" ? token : undefined;
}

const HOOK_SUMMARIES: Record<FlaggerGateHook, string> = {
  "confirm-rollout":
    "Flagger asks before scaling up a canary: 200 lets it start, 403 holds (freeze, approval pending, paused)",
  "confirm-traffic-increase":
    "Flagger asks before raising the canary weight: 200 while its weight is below Sluice's exposure, else 403",
  "confirm-promotion": "Flagger asks before promoting: 200 once Sluice's plan has reached 100%, else 403",
  rollback:
    "Flagger asks whether to roll back: 200 means roll back now (Sluice killed or rolled back the rollout, or a critical gate failed), 403 means no",
};

function gateRoute(hook: FlaggerGateHook): ApiRoute {
  return defineRoute({
    method: "POST",
    path: `/flagger/${hook}`,
    operationId: `flagger${hook.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`,
    summary: HOOK_SUMMARIES[hook],
    description:
      "Flagger's webhook payload {name, namespace, phase, checksum, metadata}. A new checksum is a new " +
      "Sluice rollout (controller flagger, controllerRef namespace/name), created and started on the " +
      "first confirm hook. The token may come as metadata.token when no Authorization header can be sent.",
    scopes: ["controllers:write"],
    body: flaggerHookBody,
    credentialInBody: metadataToken,
    responses: {
      200: "Yes: proceed (for rollback: roll back now)",
      403: "No: hold (for rollback: do not roll back)",
    },
    errors: ["NOT_FOUND"],
    async handle({ services, actor, body }) {
      const metadata = canaryMetadata.safeParse(body.metadata);
      if (!metadata.success) throw zodToApiError(metadata.error, ["metadata"]);
      const answer = await answerFlaggerGateHook(services, actor, hook, body, metadata.data);
      return { status: answer.yes ? 200 : 403, body: answer };
    },
  });
}

export const FLAGGER_ROUTES: readonly ApiRoute[] = [
  ...FLAGGER_GATE_HOOKS.map(gateRoute),
  defineRoute({
    method: "POST",
    path: "/flagger/event",
    operationId: "flaggerEvent",
    summary: "Flagger's event hook: each event lands in the canary rollout's audit history",
    description:
      "metadata {eventMessage, eventType, timestamp}. A reported canary weight ('canary weight N') " +
      "becomes the weight the dashboard shows as applied by Flagger.",
    scopes: ["controllers:write"],
    body: flaggerEventBody,
    credentialInBody: metadataToken,
    responses: { 200: "Recorded" },
    async handle({ services, actor, body }) {
      return { status: 200, body: await recordFlaggerEvent(services, actor, body) };
    },
  }),
];
