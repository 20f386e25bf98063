import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { appRouter } from "./app-router";
import { clientErrorMessage } from "./error-message";
import { createCallerFactory } from "./init";

const createCaller = createCallerFactory(appRouter);

/**
 * Bad input over tRPC: refused with the field named, as the client reads it, and nothing stored. Each
 * case here was once accepted (a misspelt key dropped, a bound missing) or answered INTERNAL.
 */
describe("tRPC refuses bad input naming the field, storing nothing", () => {
  let demo: DemoFixture;
  const as = (role: Actor["role"]) => createCaller({ actor: demo.actor(role), services: demo.services });
  const stored = async () => ({
    audit: await demo.database.db.auditEvent.count(),
    tokens: await demo.database.db.apiToken.count(),
    channels: await demo.database.db.notificationChannel.count(),
    segments: await demo.database.db.segment.count(),
    incidents: await demo.database.db.incident.count(),
    flags: await demo.database.db.flag.findMany({ select: { key: true, version: true } }),
  });

  /** The refusal as a client reads it: "field: message" and the field. */
  async function refusal(call: Promise<unknown>): Promise<{ message: string; field?: string }> {
    const error = await call.then(
      () => {
        throw new Error("expected a refusal");
      },
      (e: unknown) => e,
    );
    return clientErrorMessage(error as Parameters<typeof clientErrorMessage>[0]);
  }

  const channel = (input: Record<string, unknown>) =>
    as("admin").notifications.createChannel({
      name: "hook",
      kind: "generic",
      url: "https://hooks.example/a",
      events: ["kill"],
      ...input,
    });
  const patchFlag = (patch: Record<string, unknown>) =>
    as("release_manager").flags.update({ key: "refusals-flag", patch });
  const setRules = (rules: unknown[]) =>
    as("release_manager").flags.setRules({ key: "refusals-flag", rules: rules as never });

  let deep: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < 20_000; i++) deep = { a: deep };

  beforeAll(async () => {
    demo = await createDemoFixture();
    await as("release_manager").flags.create({
      key: "refusals-flag",
      service: "checkout-api",
      variants: [
        { name: "on", value: true },
        { name: "off", value: false },
      ],
      defaultVariant: "off",
      offVariant: "off",
    });
  });
  afterAll(() => demo.database.drop());

  it.each([
    [
      "a misspelt key on a token (it would never expire)",
      () => as("admin").tokens.create({ name: "ci", scopes: ["read"], expiresAT: new Date() } as never),
      { field: "expiresAT", message: "expiresAT: unknown field" },
    ],
    [
      "a token expiring in the year 10000",
      () => as("admin").tokens.create({ name: "ci", scopes: ["read"], expiresAt: new Date("+010000-01-01") }),
      { field: "expiresAt", message: "expiresAt: must be before the year 10000" },
    ],
    [
      "a misspelt patch key on a flag (a write and an audit event for nothing)",
      () => patchFlag({ enabeld: false }),
      { field: "patch.enabeld", message: "patch.enabeld: unknown field" },
    ],
    [
      "an empty flag patch",
      () => patchFlag({}),
      { field: "patch", message: "patch: change at least one field" },
    ],
    [
      "an object variant nested 20,000 deep",
      () => patchFlag({ variants: [{ name: "on", value: deep }] }),
      {
        field: "patch.variants[0].value",
        message: "patch.variants[0].value: must nest at most 32 levels deep",
      },
    ],
    [
      "an object variant with a __proto__ key (zod would drop it, storing something else)",
      () => patchFlag({ variants: [{ name: "on", value: JSON.parse('{"__proto__":{"x":1},"y":2}') }] }),
      {
        field: "patch.variants[0].value.__proto__",
        message: 'patch.variants[0].value.__proto__: "__proto__" is not allowed as a key',
      },
    ],
    [
      "an object variant with a constructor key deep inside",
      () => patchFlag({ variants: [{ name: "on", value: { a: [{ b: { constructor: 1 } }] } }] }),
      {
        field: "patch.variants[0].value.a[0].b.constructor",
        message: 'patch.variants[0].value.a[0].b.constructor: "constructor" is not allowed as a key',
      },
    ],
    [
      "an array variant",
      () => patchFlag({ variants: [{ name: "on", value: [1] }] }),
      {
        field: "patch.variants[0].value",
        message: "patch.variants[0].value: must be a boolean, a string, a number or a JSON object",
      },
    ],
    [
      "a split entry without its weight",
      () => setRules([{ name: "r", conditions: [], serve: { split: [{ variant: "on" }] } }]),
      { field: "rules[0].serve.split[0].weight", message: "rules[0].serve.split[0].weight: Invalid input" },
    ],
    [
      "a condition with an unknown operator",
      () =>
        setRules([
          {
            name: "r",
            conditions: [{ attribute: "plan", operator: "bogus", values: ["pro"] }],
            serve: { variant: "on" },
          },
        ]),
      {
        field: "rules[0].conditions[0].operator",
        message: "rules[0].conditions[0].operator: Invalid option",
      },
    ],
    [
      "a NUL in a webhook URL",
      () => channel({ url: "https://hooks.example/a\u0000b" }),
      { field: "url", message: "url: must be valid Unicode without NUL characters" },
    ],
    [
      "a webhook secret padded with spaces",
      () => channel({ secret: "                " }),
      { field: "secret", message: "secret: must not start or end with whitespace" },
    ],
    [
      "a misspelt channel key (an unsigned channel)",
      () => channel({ secrett: "a-long-enough-secret" }),
      { field: "secrett", message: "secrett: unknown field" },
    ],
    [
      "a segment's targeting key padded with spaces (it would match no one)",
      () => as("release_manager").flags.saveSegment({ key: "staff", includedKeys: ["alice", " bob"] }),
      { field: "includedKeys[1]", message: "includedKeys[1]: must not start or end with whitespace" },
    ],
    [
      "an incident for a service Sluice does not know",
      () =>
        as("operator").incidents.declare({
          title: "checkout down",
          severity: "sev2",
          services: ["checkout-api", "chekout-api"],
        }),
      {
        field: "services[1]",
        message: "services[1]: no service named chekout-api; name one Sluice knows, or *",
      },
    ],
    [
      "a kill switch for a service Sluice does not know",
      () =>
        as("operator").rollouts.killService({
          service: "chekout-api",
          reason: "spike",
          idempotencyKey: "k1",
        }),
      { field: "service", message: "No service named chekout-api" },
    ],
    [
      "a break-glass reason on a pause (never frozen, so never recorded)",
      () =>
        as("operator").rollouts.pause({
          id: demo.rollouts["checkout-api"] as string,
          breakGlassReason: "urgent",
        } as never),
      { field: "breakGlassReason", message: "breakGlassReason: unknown field" },
    ],
    [
      "an SLO latency threshold of 1e300 ms",
      () =>
        as("admin").slos.define({
          service: "checkout-api",
          environment: "production",
          name: "latency",
          kind: "latency",
          objective: 0.99,
          latencyThresholdMs: 1e300,
        }),
      { field: "latencyThresholdMs", message: "latencyThresholdMs: must be at most 600,000 ms" },
    ],
    [
      "an audit filter from a null date",
      () => as("auditor").audit.list({ from: null } as never),
      { field: "from", message: "from: must be an ISO 8601 date or date-time" },
    ],
  ])("%s", async (_name, call, expected) => {
    const before = await stored();
    const { field, message } = await refusal(call());
    expect(field).toBe(expected.field);
    expect(message.startsWith(expected.message), message).toBe(true);
    expect(await stored()).toEqual(before);
  });
});
