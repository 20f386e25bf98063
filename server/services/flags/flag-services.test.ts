import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGates } from "../../domain/analysis/default-gates";
import type { PlanStep } from "../../domain/rollout";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import type { ServiceContext } from "../context";
import { registerDeploy } from "../deploys/register-deploy";
import { getServiceExposure } from "../exposure/get-service-exposure";
import { createRollout } from "../rollouts/create-rollout";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { archiveFlag } from "./archive-flag";
import { createFlag } from "./create-flag";
import type { CreateFlagInput } from "./flag-schemas";
import { createFlagStore, type FlagStore } from "./flag-store";
import { setFlagKilled } from "./kill-flag";
import { getFlag, listFlagDebt, listFlags } from "./list-flags";
import { saveSegment } from "./save-segment";
import { updateFlag } from "./update-flag";

const DAY = 86_400_000;
const HOLD_SECONDS = 60;
const evaluator = systemActor("evaluator");

const plan = (exposures: number[]): PlanStep[] =>
  exposures.map((exposurePercent) => ({
    exposurePercent,
    holdSeconds: HOLD_SECONDS,
    requiresApproval: false,
    gates: defaultGates(),
  }));
/** Two steps, so a test can take a rollout to 100% quickly. */
const twoSteps = plan([10, 100]);
/** For a flag that already serves up to 50%: a flag rollout may not start below it. */
const fromHalf = plan([50, 100]);

const checkoutFlag = (overrides: Partial<CreateFlagInput> = {}): CreateFlagInput => ({
  key: "checkout.summary",
  service: "checkout-api",
  variants: [
    { name: "v1", value: "classic" },
    { name: "v2", value: "compact" },
  ],
  defaultVariant: "v1",
  offVariant: "v1",
  ...overrides,
});

describe("flag services", () => {
  let demo: DemoFixture;
  let ctx: ServiceContext;
  let store: FlagStore;
  const manager = () => demo.actor("release_manager");
  const flagRows = () => demo.database.db.flag.count();
  const flagAudits = () => demo.database.db.auditEvent.count({ where: { targetType: "flag" } });

  /** A flag rollout of a fresh release of `service`, with its flag. */
  async function flagRollout(service: string, version: string, flagKey?: string, steps = twoSteps) {
    await registerDeploy(ctx, evaluator, {
      service,
      environment: "prod",
      version,
      artifact: `${service}:${version}`,
    });
    const { id } = await createRollout(ctx, manager(), {
      service,
      environment: "prod",
      version,
      mechanism: "flag",
      steps,
      flagKey,
    });
    return id;
  }

  async function passHold(rolloutId: string, stepIndex: number) {
    demo.advanceClock(HOLD_SECONDS * 1000 + 1);
    await runRolloutCommand(ctx, evaluator, rolloutId, { type: "gates-passed", stepIndex });
  }

  beforeAll(async () => {
    demo = await createDemoFixture();
    ctx = demo.services;
    store = await createFlagStore(ctx, { refreshIntervalMs: 0 });
  });
  afterAll(async () => {
    store.close();
    await demo.database.drop();
  });

  it("refuses bad rules with BAD_INPUT naming the field, and stores nothing", async () => {
    const [rows, audits] = [await flagRows(), await flagAudits()];
    const cases: [unknown, string][] = [
      [
        {
          rules: [
            {
              name: "r",
              conditions: [{ attribute: "plan", operator: "like", values: ["x"] }],
              serve: { variant: "v2" },
            },
          ],
        },
        "rules[0].conditions[0].operator",
      ],
      [{ rules: [{ name: "r", conditions: [], serve: { variant: "v3" } }] }, "rules[0].serve.variant"],
      [
        { rules: [{ name: "r", conditions: [{ segment: "nobody" }], serve: { variant: "v2" } }] },
        "rules[0].conditions[0].segment",
      ],
      [
        {
          rules: [
            {
              name: "r",
              conditions: [{ attribute: "age", operator: "gt", values: ["x"] }],
              serve: { variant: "v2" },
            },
          ],
        },
        "rules[0].conditions[0].values[0]",
      ],
      [{ key: "no spaces please" }, "key"],
      [
        {
          variants: [
            { name: "v1", value: "a" },
            { name: "v2", value: 2 },
          ],
        },
        "variants[1].value",
      ],
      [{ percentage: 30 }, "percentageVariant"],
    ];
    for (const [overrides, field] of cases) {
      await expect(
        createFlag(ctx, manager(), checkoutFlag(overrides as Partial<CreateFlagInput>)),
      ).rejects.toMatchObject({
        code: "BAD_INPUT",
        field,
        message: expect.stringContaining(`${field}:`),
      });
    }
    expect(await flagRows()).toBe(rows);
    expect(await flagAudits()).toBe(audits);
  });

  it("creates a flag, audits it in the same transaction and evaluates it from the store", async () => {
    await saveSegment(ctx, manager(), { key: "staff", includedKeys: ["alice"], rules: [] });
    const created = await createFlag(
      ctx,
      manager(),
      checkoutFlag({
        rules: [{ name: "staff first", conditions: [{ segment: "staff" }], serve: { variant: "v2" } }],
      }),
    );
    expect(created).toMatchObject({
      key: "checkout.summary",
      lifecycle: "permanent",
      version: 0,
      debt: null,
    });
    const audit = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetType: "flag", targetId: "checkout.summary" },
    });
    expect(audit).toMatchObject({ action: "flag.created", actor: `release_manager:${manager().name}` });
    await expect(createFlag(ctx, manager(), checkoutFlag())).rejects.toMatchObject({
      code: "CONFLICT",
      field: "key",
    });
    await store.reload();
    expect(store.evaluate("checkout.summary", { targetingKey: "alice" })).toMatchObject({
      value: "compact",
      reason: "TARGETING_MATCH",
    });
    expect(store.evaluate("checkout.summary", { targetingKey: "bob" })).toMatchObject({ value: "classic" });
    expect(store.evaluate("nope", {})).toMatchObject({ errorCode: "FLAG_NOT_FOUND" });
    // The demo's own flag (search.semantic-ranking) is served too.
    expect(store.evaluateAll({ targetingKey: "alice" })).toContainEqual({
      key: "checkout.summary",
      value: "compact",
      variant: "v2",
      reason: "TARGETING_MATCH",
      cohort: null,
    });
  });

  it("reloads the store within a second of a flag or segment change", async () => {
    const waitFor = async (check: () => boolean) => {
      const started = Date.now();
      while (!check()) {
        if (Date.now() - started > 1000) throw new Error("store did not reload within a second");
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return Date.now() - started;
    };
    const variantOf = (key: string) => {
      const result = store.evaluate("checkout.summary", { targetingKey: key });
      return "variant" in result ? result.variant : result.errorCode;
    };
    await saveSegment(ctx, manager(), { key: "staff", includedKeys: ["alice", "bob"] });
    await waitFor(() => variantOf("bob") === "v2");
    await updateFlag(ctx, manager(), "checkout.summary", { defaultVariant: "v2", offVariant: "v1" });
    const ms = await waitFor(() => variantOf("zoe") === "v2");
    expect(ms).toBeLessThan(1000);
  });

  it("refuses a stale version with CONFLICT, and a patch that breaks a rule with BAD_INPUT", async () => {
    const { version } = await getFlag(ctx, "checkout.summary");
    await expect(
      updateFlag(ctx, manager(), "checkout.summary", { description: "x" }, { expectedVersion: version - 1 }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      updateFlag(ctx, manager(), "checkout.summary", { variants: [{ name: "v1", value: "classic" }] }),
    ).rejects.toMatchObject({ code: "BAD_INPUT", field: "defaultVariant" });
    expect((await getFlag(ctx, "checkout.summary")).version).toBe(version);
  });

  it("audits a description change with the text before and after", async () => {
    const { description } = await getFlag(ctx, "checkout.summary");
    await updateFlag(ctx, manager(), "checkout.summary", { description: "Compact order summary" });
    const event = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: "checkout.summary", action: "flag.updated" },
      orderBy: { id: "desc" },
    });
    expect(event).toMatchObject({
      before: { description },
      after: { description: "Compact order summary" },
    });
  });

  it("kills a flag at once for everyone, and unkills it", async () => {
    await setFlagKilled(ctx, demo.actor("operator"), "checkout.summary", true, "bad layout in prod");
    await store.reload();
    expect(store.evaluate("checkout.summary", { targetingKey: "alice" })).toMatchObject({
      variant: "v1",
      reason: "DISABLED",
    });
    const audits = await flagAudits();
    const again = await setFlagKilled(ctx, demo.actor("operator"), "checkout.summary", true, "again");
    expect(again).toMatchObject({ killed: true });
    expect(await flagAudits()).toBe(audits);
    await setFlagKilled(ctx, demo.actor("operator"), "checkout.summary", false);
    await store.reload();
    expect(store.evaluate("checkout.summary", { targetingKey: "alice" })).toMatchObject({
      reason: "TARGETING_MATCH",
    });
  });

  it("serves a flag rollout's exposure as its flag's percentage, and a rollout kill takes it back", async () => {
    const rolloutId = await flagRollout("search", "3.3.0");
    const flagKey = "search.release-3.3.0";
    expect(await getFlag(ctx, flagKey)).toMatchObject({
      lifecycle: "temporary",
      percentage: { variant: "on", percent: 0, rolloutId },
      rollout: { id: rolloutId, state: "draft" },
    });
    const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const exposed = () =>
      keys.filter((key) => {
        const result = store.evaluate(flagKey, { targetingKey: key });
        return "cohort" in result && result.cohort === "canary" && result.value === true;
      }).length;
    await store.reload();
    expect(exposed()).toBe(0);
    expect(store.evaluate(flagKey, { targetingKey: "user-1" })).toMatchObject({
      value: false,
      cohort: "baseline",
    });

    await runRolloutCommand(ctx, manager(), rolloutId, { type: "start" });
    // No reload: the store takes the exposure from the rollout.changed event.
    const atTen = exposed();
    expect(atTen / keys.length).toBeGreaterThan(0.07);
    expect(atTen / keys.length).toBeLessThan(0.13);
    const exposure = await getServiceExposure(ctx, "search");
    expect(exposure.body.flags.find((f) => f.key === flagKey)).toMatchObject({
      enabled: true,
      killed: false,
      variants: [
        { name: "on", value: true },
        { name: "off", value: false },
      ],
      rules: [],
      percentage: { variant: "on", percent: 10, rolloutId },
    });

    await runRolloutCommand(ctx, demo.actor("operator"), rolloutId, { type: "kill", reason: "errors up" });
    expect(exposed()).toBe(0);
    // A fresh read agrees with the event-driven view.
    await store.reload();
    expect(exposed()).toBe(0);
    expect((await getFlag(ctx, flagKey)).percentage).toMatchObject({ percent: 0 });
  });

  it("links an existing flag to a new rollout of its service, and refuses one of another service", async () => {
    await createFlag(
      ctx,
      manager(),
      checkoutFlag({ key: "search.ranking", service: "search", percentageVariant: "v2", percentage: 50 }),
    );
    const rollouts = await demo.database.db.rollout.count();
    // Its first step would take the feature away from users the flag already serves.
    await expect(flagRollout("search", "3.4.0", "search.ranking")).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "steps[0].exposurePercent",
      message: expect.stringContaining(
        "flag search.ranking already serves 50%; the first step must be at least 50%",
      ),
    });
    expect(await demo.database.db.rollout.count()).toBe(rollouts);
    const rolloutId = await flagRollout("search", "3.4.1", "search.ranking", fromHalf);
    expect(await getFlag(ctx, "search.ranking")).toMatchObject({
      lifecycle: "permanent",
      rollout: { id: rolloutId, state: "draft" },
    });
    await expect(updateFlag(ctx, manager(), "search.ranking", { percentage: 20 })).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "percentage",
    });
    await registerDeploy(ctx, evaluator, {
      service: "profile",
      environment: "prod",
      version: "9",
      artifact: "p:9",
    });
    await expect(
      createRollout(ctx, manager(), {
        service: "profile",
        environment: "prod",
        version: "9",
        mechanism: "flag",
        steps: fromHalf,
        flagKey: "search.ranking",
      }),
    ).rejects.toMatchObject({ code: "BAD_INPUT", field: "flagKey" });
    expect(await demo.database.db.rollout.count()).toBe(rollouts + 1);
  });

  it("serves a linked flag no less than its own percentage: not before the first step, nor after a kill", async () => {
    await createFlag(
      ctx,
      manager(),
      checkoutFlag({ key: "search.new-ui", service: "search", percentageVariant: "v2", percentage: 30 }),
    );
    const keys = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
    const exposed = () =>
      keys.filter((key) => {
        const result = store.evaluate("search.new-ui", { targetingKey: key });
        return "variant" in result && result.variant === "v2";
      });
    await store.reload();
    const before = exposed();
    expect(before.length).toBeGreaterThan(250);

    const rolloutId = await flagRollout("search", "3.6.0", "search.new-ui", fromHalf);
    await store.reload();
    expect(exposed()).toEqual(before);
    // The draft does not drive the flag yet: its users are no rollout's cohort.
    expect(await getFlag(ctx, "search.new-ui")).toMatchObject({
      percentage: { variant: "v2", percent: 30, rolloutId: null },
      rollout: { id: rolloutId, state: "draft", exposurePercent: 0 },
    });

    await runRolloutCommand(ctx, manager(), rolloutId, { type: "start" });
    expect(exposed().length).toBeGreaterThan(450);
    expect(exposed()).toEqual(expect.arrayContaining(before));
    expect((await getFlag(ctx, "search.new-ui")).percentage).toEqual({
      variant: "v2",
      percent: 50,
      rolloutId,
    });

    // Killed before its first step passed: the rollout's last-known-good is 0%, the flag's own 30% stays.
    await runRolloutCommand(ctx, demo.actor("operator"), rolloutId, { type: "kill", reason: "errors up" });
    expect(exposed()).toEqual(before);
    await store.reload();
    expect(exposed()).toEqual(before);
    const document = await getServiceExposure(ctx, "search");
    expect(document.body.flags.find((f) => f.key === "search.new-ui")?.percentage).toEqual({
      variant: "v2",
      percent: 30,
      rolloutId: null,
    });
  });

  it("gives a flag its own percentage back once its rollout is over: unlinked, audited and served", async () => {
    const rolloutId = await flagRollout("search", "3.7.0");
    const key = "search.release-3.7.0";
    await runRolloutCommand(ctx, manager(), rolloutId, { type: "start" });
    await expect(updateFlag(ctx, manager(), key, { percentage: 5 })).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "percentage",
      message: `percentage: rollout ${rolloutId} drives this flag's percentage`,
    });
    // Clearing the fixed percentage leaves a live rollout driving the flag.
    expect(await updateFlag(ctx, manager(), key, { percentage: null })).toMatchObject({
      rollout: { id: rolloutId },
    });
    await runRolloutCommand(ctx, manager(), rolloutId, { type: "abort", reason: "not needed" });

    expect(await updateFlag(ctx, manager(), key, { percentage: 5 })).toMatchObject({
      percentage: { variant: "on", percent: 5, rolloutId: null },
      rollout: null,
    });
    const event = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: key, action: "flag.updated" },
      orderBy: { id: "desc" },
    });
    expect(event).toMatchObject({
      reason: `rollout ${rolloutId} is aborted; the flag's percentage is its own again`,
      before: { rolloutId, percentage: null },
      after: { rolloutId: null, percentage: 5 },
    });
    await store.reload();
    const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const results = keys.map((targetingKey) => store.evaluate(key, { targetingKey }));
    const on = results.filter((r) => "value" in r && r.value === true).length;
    expect(on / keys.length).toBeGreaterThan(0.03);
    expect(on / keys.length).toBeLessThan(0.07);
    expect(results.every((r) => "cohort" in r && r.cohort === null)).toBe(true);
    const document = await getServiceExposure(ctx, "search");
    expect(document.body.flags.find((f) => f.key === key)?.percentage).toEqual({
      variant: "on",
      percent: 5,
      rolloutId: null,
    });
  });

  describe("after a flag rollout completed at 100%", () => {
    const everyone = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);
    const servedOn = async (key: string) => {
      await store.reload();
      return everyone.filter((targetingKey) => {
        const result = store.evaluate(key, { targetingKey });
        return "value" in result && result.value === true;
      }).length;
    };
    const complete = async (rolloutId: string) => {
      await runRolloutCommand(ctx, manager(), rolloutId, { type: "start" });
      await passHold(rolloutId, 0);
      await runRolloutCommand(ctx, manager(), rolloutId, { type: "advance" });
      await passHold(rolloutId, 1);
    };

    it("refuses a next rollout of its flag that would start below the 100% released", async () => {
      await complete(await flagRollout("search", "3.8.0", "search.released"));
      expect(await servedOn("search.released")).toBe(everyone.length);
      await expect(flagRollout("search", "3.8.1", "search.released")).rejects.toMatchObject({
        code: "BAD_INPUT",
        field: "steps[0].exposurePercent",
        message: expect.stringContaining("already serves 100%"),
      });
      expect(await servedOn("search.released")).toBe(everyone.length);
    });

    it("keeps serving the rollout's 100% when the flag's percentage is cleared", async () => {
      await complete(await flagRollout("search", "3.9.0"));
      await updateFlag(ctx, manager(), "search.release-3.9.0", { percentage: null });
      expect(await servedOn("search.release-3.9.0")).toBe(everyone.length);
    });
  });

  it("archives only flags whose rollout is over; archived flags leave evaluation and cannot change", async () => {
    const rolloutId = await flagRollout("search", "3.5.0");
    const key = "search.release-3.5.0";
    await runRolloutCommand(ctx, manager(), rolloutId, { type: "start" });
    await expect(archiveFlag(ctx, manager(), key)).rejects.toMatchObject({ code: "ILLEGAL_TRANSITION" });
    await runRolloutCommand(ctx, manager(), rolloutId, { type: "abort", reason: "not needed" });
    const archived = await archiveFlag(ctx, manager(), key, "release dropped");
    expect(archived).toMatchObject({ lifecycle: "archived" });
    expect(
      await demo.database.db.auditEvent.findFirstOrThrow({
        where: { targetId: key, action: "flag.archived" },
      }),
    ).toMatchObject({ reason: "release dropped", actor: `release_manager:${manager().name}` });
    await store.reload();
    expect(store.evaluate(key, { targetingKey: "u" })).toMatchObject({ errorCode: "FLAG_NOT_FOUND" });
    await expect(setFlagKilled(ctx, manager(), key, true)).rejects.toMatchObject({
      code: "ILLEGAL_TRANSITION",
    });
    expect((await listFlags(ctx)).map((f) => f.key)).not.toContain(key);
    expect((await listFlags(ctx, { includeArchived: true })).map((f) => f.key)).toContain(key);
    expect((await getServiceExposure(ctx, "search")).body.flags.map((f) => f.key)).not.toContain(key);
  });

  it("lists a temporary flag as debt once at 100% for longer than the threshold, with its age", async () => {
    const rolloutId = await flagRollout("search", "4.0.0");
    const key = "search.release-4.0.0";
    await runRolloutCommand(ctx, manager(), rolloutId, { type: "start" });
    await passHold(rolloutId, 0);
    await runRolloutCommand(ctx, manager(), rolloutId, { type: "advance" });
    await passHold(rolloutId, 1);
    const rollout = await demo.database.db.rollout.findUniqueOrThrow({ where: { id: rolloutId } });
    expect(rollout).toMatchObject({ state: "completed", exposurePercent: 100 });
    expect(store.evaluate(key, { targetingKey: "anyone" })).toMatchObject({ value: true, cohort: "canary" });

    demo.advanceClock(6 * DAY);
    expect((await listFlagDebt(ctx)).map((f) => f.key)).not.toContain(key);
    expect((await listFlagDebt(ctx, { olderThanDays: 5 })).map((f) => f.key)).toContain(key);
    demo.advanceClock(2 * DAY);
    const [debt] = (await listFlagDebt(ctx)).filter((f) => f.key === key);
    expect(debt?.debt).toEqual({ ageDays: 8, fullExposureSince: rollout.stepStartedAt });
    expect((await listFlags(ctx)).find((f) => f.key === key)?.debt?.ageDays).toBe(8);
    expect((await listFlags(ctx)).find((f) => f.key === "search.ranking")?.debt).toBeNull();

    await archiveFlag(ctx, manager(), key, "code removed");
    expect((await listFlagDebt(ctx)).map((f) => f.key)).not.toContain(key);
  });

  it("lists a temporary flag set to a fixed 100% after its rollout as debt, counted from that change", async () => {
    const rolloutId = await flagRollout("search", "4.1.0");
    const key = "search.release-4.1.0";
    await runRolloutCommand(ctx, manager(), rolloutId, { type: "start" });
    await passHold(rolloutId, 0);
    await runRolloutCommand(ctx, manager(), rolloutId, { type: "advance" });
    await passHold(rolloutId, 1);
    demo.advanceClock(3 * DAY);
    // Setting the percentage by hand unlinks the flag from its completed rollout (41784f8).
    expect(await updateFlag(ctx, manager(), key, { percentage: 100 })).toMatchObject({ rollout: null });
    const setAt = ctx.now();
    const debtKeys = async () => (await listFlagDebt(ctx)).map((f) => f.key);

    demo.advanceClock(6 * DAY);
    expect(await debtKeys()).not.toContain(key);
    // Another edit must not restart the clock: it counts from the change to 100%, not from updatedAt.
    await updateFlag(ctx, manager(), key, { description: "fully out" });
    demo.advanceClock(2 * DAY);
    const [debt] = (await listFlagDebt(ctx)).filter((f) => f.key === key);
    expect(debt?.debt).toEqual({ ageDays: 8, fullExposureSince: setAt });
    expect((await listFlags(ctx)).find((f) => f.key === key)?.debt?.ageDays).toBe(8);
    expect((await getFlag(ctx, key)).debt?.ageDays).toBe(8);

    // Killed, disabled or below 100%, it no longer serves everyone the feature.
    await setFlagKilled(ctx, manager(), key, true, "drill");
    expect(await debtKeys()).not.toContain(key);
    await setFlagKilled(ctx, manager(), key, false);
    expect(await debtKeys()).toContain(key);
    await updateFlag(ctx, manager(), key, { enabled: false });
    expect(await debtKeys()).not.toContain(key);
    await updateFlag(ctx, manager(), key, { enabled: true, percentage: 50 });
    expect(await debtKeys()).not.toContain(key);
    // Back at 100%, it counts again from then.
    await updateFlag(ctx, manager(), key, { percentage: 100 });
    expect((await listFlagDebt(ctx, { olderThanDays: 0 })).map((f) => f.key)).not.toContain(key);
    demo.advanceClock(DAY + 1);
    expect((await getFlag(ctx, key)).debt).toBeNull();
    expect((await listFlagDebt(ctx, { olderThanDays: 0 })).find((f) => f.key === key)?.debt?.ageDays).toBe(1);
  });

  it("evaluates 100,000 times in process well under a second", () => {
    const contexts = Array.from({ length: 1000 }, (_, i) => ({ targetingKey: `user-${i}`, country: "DE" }));
    const started = performance.now();
    let on = 0;
    for (let i = 0; i < 100_000; i++) {
      const result = store.evaluate("checkout.summary", contexts[i % 1000] as { targetingKey: string });
      if ("value" in result && result.value === "compact") on++;
    }
    const ms = performance.now() - started;
    console.log(
      `flag store: 100,000 evaluations in ${ms.toFixed(0)} ms (${Math.round(100_000 / (ms / 1000))}/s)`,
    );
    expect(on).toBeGreaterThan(0);
    expect(ms).toBeLessThan(5000);
  });
});
