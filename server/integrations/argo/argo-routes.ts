import { z } from "zod";
import { type ApiRoute, defineRoute } from "../../api/api-route";
import { serviceParams } from "../../api/api-schemas";
import { text } from "../../validation/text";
import { getAnalysisResult } from "./get-analysis-result";

export const ARGO_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: "GET",
    path: "/analysis/{service}",
    operationId: "getAnalysis",
    summary: "The gates' verdict on a service's current rollout, for Argo Rollouts' Web metric provider",
    description:
      "`verdict` is pass, fail or inconclusive (no rollout or no judgement of the live step is " +
      "inconclusive, never pass); `score` is the share of gates passing; `gates[]` has each gate's " +
      'verdict and explanation. AnalysisTemplate: successCondition `result.verdict == "pass"`, ' +
      'failureCondition `result.verdict == "fail"`.',
    scopes: ["read", "controllers:write"],
    params: serviceParams,
    query: z.strictObject({
      environment: text(200)
        .optional()
        .describe("The release environment; required while the service is live in more than one"),
    }),
    responses: { 200: "The verdict" },
    errors: ["NOT_FOUND", "CONFLICT"],
    async handle({ services, params, query }) {
      return { status: 200, body: await getAnalysisResult(services, params.service, query.environment) };
    },
  }),
];
