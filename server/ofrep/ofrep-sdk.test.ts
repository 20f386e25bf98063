import { OFREPProvider } from "@openfeature/ofrep-provider";
import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
import {
  type Client,
  type EvaluationDetails,
  type FlagValue,
  type Hook,
  OpenFeature,
} from "@openfeature/server-sdk";
import { ProviderEvents, ProviderStatus, OpenFeature as WebOpenFeature } from "@openfeature/web-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createFlag } from "../services/flags/create-flag";
import { setFlagKilled } from "../services/flags/kill-flag";
import { createApiToken } from "../services/tokens/create-api-token";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { type OfrepTestServer, startOfrepServer } from "./ofrep-test-server";

/** OpenTelemetry's feature_flag.* attributes, as an application's tracing hook would set them. */
type SpanAttributes = Record<string, string | number | boolean>;

/** Records what an OpenTelemetry hook would put on the current span, from the evaluation details. */
function telemetryHook(spans: SpanAttributes[]): Hook {
  return {
    after(hookContext, details: EvaluationDetails<FlagValue>) {
      const attributes: SpanAttributes = {
        "feature_flag.key": hookContext.flagKey,
        "feature_flag.provider.name": hookContext.providerMetadata.name,
        "feature_flag.result.reason": details.reason ?? "UNKNOWN",
      };
      if (details.variant) attributes["feature_flag.result.variant"] = details.variant;
      const cohort = details.flagMetadata.cohort;
      if (typeof cohort === "string") attributes["sluice.cohort"] = cohort;
      spans.push(attributes);
    },
  };
}

describe("OFREP with the OpenFeature server SDK and the OFREP provider", () => {
  let demo: DemoFixture;
  let server: OfrepTestServer;
  let client: Client;
  let badClient: Client;
  const spans: SpanAttributes[] = [];
  const manager = () => demo.actor("release_manager");

  async function flag(key: string, values: FlagValue[], extra: Record<string, unknown> = {}) {
    await createFlag(demo.services, manager(), {
      key,
      service: "search",
      variants: values.map((value, i) => ({ name: `v${i}`, value })) as { name: string; value: boolean }[],
      defaultVariant: "v0",
      offVariant: "v0",
      ...extra,
    });
  }

  beforeAll(async () => {
    demo = await createDemoFixture();
    await flag("sdk.bool", [false, true], { defaultVariant: "v1" });
    await flag("sdk.string", ["classic", "compact"], { defaultVariant: "v1" });
    await flag("sdk.number", [10, 25], { defaultVariant: "v1" });
    await flag("sdk.object", [{ columns: 1 }, { columns: 3, dense: true }], { defaultVariant: "v1" });
    await flag("sdk.targeted", ["everyone", "beta"], {
      rules: [
        {
          name: "beta testers",
          conditions: [{ attribute: "plan", operator: "in", values: ["beta", "enterprise"] }],
          serve: { variant: "v1" },
        },
      ],
    });
    await flag("sdk.split", [false, true], { percentageVariant: "v1", percentage: 30 });
    await flag("sdk.experiment", ["a", "b", "c"], {
      rules: [
        {
          name: "three ways",
          conditions: [],
          serve: {
            split: [
              { variant: "v0", weight: 1 },
              { variant: "v1", weight: 1 },
              { variant: "v2", weight: 2 },
            ],
          },
        },
      ],
    });
    const { secret } = await createApiToken(demo.services, demo.actor("admin"), {
      name: "sdk",
      scopes: ["flags:evaluate"],
    });
    server = await startOfrepServer(demo.services, { rateLimit: null });
    await OpenFeature.setProviderAndWait(
      "sluice",
      new OFREPProvider({ baseUrl: server.url, headers: [["Authorization", `Bearer ${secret}`]] }),
    );
    await OpenFeature.setProviderAndWait(
      "stranger",
      new OFREPProvider({ baseUrl: server.url, headers: [["Authorization", "Bearer slc_not-a-token"]] }),
    );
    client = OpenFeature.getClient("sluice");
    client.addHooks(telemetryHook(spans));
    badClient = OpenFeature.getClient("stranger");
  });
  afterAll(async () => {
    await OpenFeature.close();
    await server?.close();
    await demo?.database.drop();
  });

  it("resolves boolean, string, number and object flags", async () => {
    const ctx = { targetingKey: "user-1" };
    expect(await client.getBooleanValue("sdk.bool", false, ctx)).toBe(true);
    expect(await client.getStringValue("sdk.string", "x", ctx)).toBe("compact");
    expect(await client.getNumberValue("sdk.number", 0, ctx)).toBe(25);
    expect(await client.getObjectValue("sdk.object", {}, ctx)).toEqual({ columns: 3, dense: true });
    const details = await client.getStringDetails("sdk.string", "x", ctx);
    expect(details).toMatchObject({ variant: "v1", reason: "STATIC", flagMetadata: { variant: "v1" } });
    expect(details.errorCode).toBeUndefined();
  });

  it("applies targeting rules to the context's attributes", async () => {
    const beta = await client.getStringDetails("sdk.targeted", "x", { targetingKey: "u", plan: "beta" });
    expect(beta).toMatchObject({ value: "beta", reason: "TARGETING_MATCH" });
    const free = await client.getStringDetails("sdk.targeted", "x", { targetingKey: "u", plan: "free" });
    expect(free).toMatchObject({ value: "everyone", reason: "DEFAULT" });
  });

  it("gives every key of a percentage or a split the variant the in-process evaluation gives it", async () => {
    let exposed = 0;
    for (let i = 0; i < 150; i++) {
      const ctx = { targetingKey: `user-${i}` };
      const split = await client.getBooleanDetails("sdk.split", false, ctx);
      const local = server.store.evaluate("sdk.split", ctx) as { value: boolean };
      expect(split).toMatchObject({ value: local.value, reason: "SPLIT" });
      if (split.value) exposed++;
      const experiment = await client.getStringDetails("sdk.experiment", "x", ctx);
      expect(experiment.variant).toBe(
        (server.store.evaluate("sdk.experiment", ctx) as { variant: string }).variant,
      );
    }
    expect(exposed).toBeGreaterThan(25);
    expect(exposed).toBeLessThan(70);
  });

  it("tags each evaluation of a rollout's flag with its variant and cohort for telemetry", async () => {
    spans.length = 0;
    const cohorts = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const ctx = { targetingKey: `shopper-${i}` };
      await client.getBooleanValue("search.semantic-ranking", false, ctx);
      const local = server.store.evaluate("search.semantic-ranking", ctx) as {
        variant: string;
        cohort: string;
      };
      expect(spans.at(-1)).toEqual({
        "feature_flag.key": "search.semantic-ranking",
        "feature_flag.provider.name": "OpenFeature Remote Evaluation Protocol Server",
        "feature_flag.result.reason": "SPLIT",
        "feature_flag.result.variant": local.variant,
        "sluice.cohort": local.cohort,
      });
      cohorts.add(local.cohort);
    }
    expect([...cohorts].sort()).toEqual(["baseline", "canary"]);
  });

  it("serves the off variant once the flag is killed, after the store reloads on the change event", async () => {
    const ctx = { targetingKey: "user-1" };
    expect(await client.getNumberValue("sdk.number", 0, ctx)).toBe(25);
    await setFlagKilled(demo.services, manager(), "sdk.number", true, "incident");
    await vi.waitFor(async () => {
      const details = await client.getNumberDetails("sdk.number", 0, ctx);
      expect(details).toMatchObject({ value: 10, variant: "v0", reason: "DISABLED" });
    });
  });

  it("falls back to the code default with the error code on every error path", async () => {
    const missing = await client.getBooleanDetails("sdk.missing", true, { targetingKey: "u" });
    expect(missing).toMatchObject({ value: true, reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
    const noKey = await client.getBooleanDetails("sdk.split", true, {});
    expect(noKey).toMatchObject({ value: true, reason: "ERROR", errorCode: "TARGETING_KEY_MISSING" });
    const badKey = await client.getBooleanDetails("sdk.bool", false, {
      targetingKey: 5 as unknown as string,
    });
    expect(badKey).toMatchObject({
      value: false,
      reason: "ERROR",
      errorCode: "INVALID_CONTEXT",
      errorMessage: "context.targetingKey: must be a string",
    });
    const badToken = await badClient.getBooleanDetails("sdk.bool", false, { targetingKey: "u" });
    expect(badToken).toMatchObject({ value: false, reason: "ERROR", errorCode: "GENERAL" });
    // The provider turns our 401 into an OFREPApiUnauthorizedError without a message: GENERAL, empty.
    const wrongType = await client.getNumberDetails("sdk.string", 7, { targetingKey: "u" });
    expect(wrongType).toMatchObject({ value: 7, reason: "ERROR", errorCode: "TYPE_MISMATCH" });
  });
});

describe("OFREP bulk with the OpenFeature web SDK and the OFREP web provider", () => {
  let demo: DemoFixture;
  let server: OfrepTestServer;
  let secret: string;

  beforeAll(async () => {
    demo = await createDemoFixture();
    await createFlag(demo.services, demo.actor("release_manager"), {
      key: "web.banner",
      service: "search",
      variants: [
        { name: "off", value: false },
        { name: "on", value: true },
      ],
      defaultVariant: "on",
      offVariant: "off",
    });
    ({ secret } = await createApiToken(demo.services, demo.actor("admin"), {
      name: "web",
      scopes: ["flags:evaluate"],
    }));
    server = await startOfrepServer(demo.services, { rateLimit: null });
  });
  afterAll(async () => {
    await WebOpenFeature.close();
    await server?.close();
    await demo?.database.drop();
  });

  it("surfaces the bulk 400 for a context that is not valid as a provider error, and recovers on a valid context", async () => {
    const provider = new OFREPWebProvider({
      baseUrl: server.url,
      headers: [["Authorization", `Bearer ${secret}`]],
      pollInterval: 0,
      changeDetection: "none",
      cacheMode: "disabled",
    });
    const errors: string[] = [];
    WebOpenFeature.addHandler(ProviderEvents.Error, (event) => errors.push(event?.message ?? ""));
    // A JavaScript app can hand the SDK anything, whatever the types say.
    await WebOpenFeature.setContext({ targetingKey: 5 as unknown as string });
    // Initialization fails with the status (this provider version drops the body's errorDetails) ...
    await expect(WebOpenFeature.setProviderAndWait(provider)).rejects.toThrow(/status: 400/);
    const client = WebOpenFeature.getClient();
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(errors).toHaveLength(1);
    // ... and the app gets its code default, not a crash.
    expect(client.getBooleanDetails("web.banner", false)).toMatchObject({ value: false, reason: "ERROR" });

    await WebOpenFeature.setContext({ targetingKey: "u1" });
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(client.getBooleanDetails("web.banner", false)).toMatchObject({ value: true, variant: "on" });

    // A context that turns bad later is an error event; the app keeps running.
    await WebOpenFeature.setContext({ targetingKey: { id: "u1" } as unknown as string });
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatch(/status: 400/);
  });
});
