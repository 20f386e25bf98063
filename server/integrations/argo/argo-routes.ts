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
    summary: "The gates' verdict on a service's rollout, for Argo Rollouts' Web metric provider",
    description:
      "`verdict` is pass, fail or inconclusive (no rollout or no judgement of the live step is " +
      "inconclusive, never pass); `score` is the share of gates passing; `gates[]` has each gate's " +
      'verdict and explanation. AnalysisTemplate: successCondition `result.verdict == "pass"`, ' +
      'failureCondition `result.verdict == "fail"`. Pass `release` (the version Argo is rolling ' +
      "out, e.g. the image tag): only that release's rollout answers, and a release with none, or whose " +
      "completed rollout another release has since replaced, is inconclusive. Without it the service's " +
      "current rollout answers whatever Argo rolls out: a revert to a revision no gate judged reads " +
      "pass when the newest rollout completed.",
    scopes: ["read", "controllers:write"],
    params: serviceParams,
    query: z.strictObject({
      environment: text(200)
        .optional()
        .describe(
          "The release environment; required while the service is live in more than one, and while it is released to more than one with nothing live or with `release`",
        ),
      release: text(100)
        .optional()
        .describe(
          "The release version Argo is analysing (e.g. the image tag); recommended: without it, another release's completed rollout can answer",
        ),
    }),
    responses: { 200: "The verdict" },
    errors: ["NOT_FOUND", "CONFLICT"],
    async handle({ services, params, query }) {
      return { status: 200, body: await getAnalysisResult(services, params.service, query) };
    },
  }),
];
