import { describe, expect, it } from "vitest";
import { isInRollout } from "../bucketing/sticky-bucket";
import { evaluateFlag } from "./evaluate-flag";
import { releaseFlag, segments } from "./flag-fixtures";
import type { AttributeCondition, EvaluationContext, Operator, TargetingRule } from "./flag-types";

const serve = (variant: string, ...conditions: TargetingRule["conditions"]): TargetingRule => ({
  name: `serve ${variant}`,
  conditions,
  serve: { variant },
});
const where = (attribute: string, operator: Operator, ...values: (string | number | boolean)[]) =>
  ({ attribute, operator, values }) satisfies AttributeCondition;

describe("evaluateFlag", () => {
  it("serves the default variant STATIC without rules or percentage, DEFAULT when no rule matches", () => {
    expect(evaluateFlag(releaseFlag(), {})).toEqual({
      key: "checkout.new-summary",
      value: false,
      variant: "off",
      reason: "STATIC",
      cohort: null,
    });
    const flag = releaseFlag({ rules: [serve("on", where("plan", "equals", "pro"))] });
    expect(evaluateFlag(flag, { plan: "free" })).toMatchObject({ variant: "off", reason: "DEFAULT" });
    expect(evaluateFlag(flag, { plan: "pro" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
  });

  it("tries rules in order and stops at the first match", () => {
    const flag = releaseFlag({
      variants: [
        { name: "a", value: "A" },
        { name: "b", value: "B" },
        { name: "c", value: "C" },
      ],
      defaultVariant: "c",
      offVariant: "c",
      rules: [serve("a", where("country", "in", "DE", "FR")), serve("b", where("plan", "equals", "pro"))],
    });
    expect(evaluateFlag(flag, { country: "DE", plan: "pro" })).toMatchObject({ value: "A" });
    expect(evaluateFlag(flag, { country: "US", plan: "pro" })).toMatchObject({ value: "B" });
    expect(evaluateFlag(flag, { country: "US", plan: "free" })).toMatchObject({
      value: "C",
      reason: "DEFAULT",
    });
  });

  it("needs every condition of a rule; a rule without conditions matches everyone", () => {
    const flag = releaseFlag({
      rules: [serve("on", where("country", "in", "DE"), where("beta", "equals", true))],
    });
    expect(evaluateFlag(flag, { country: "DE", beta: true }).reason).toBe("TARGETING_MATCH");
    expect(evaluateFlag(flag, { country: "DE", beta: false }).reason).toBe("DEFAULT");
    expect(evaluateFlag(releaseFlag({ rules: [serve("on")] }), {})).toMatchObject({ variant: "on" });
  });

  it.each([
    [where("country", "in", "DE", "FR"), { country: "FR" }, { country: "US" }],
    [where("roles", "in", "admin"), { roles: ["dev", "admin"] }, { roles: ["dev"] }],
    [where("country", "not_in", "DE"), { country: "US" }, { country: "DE" }],
    [where("plan", "equals", "pro"), { plan: "pro" }, { plan: "Pro" }],
    [where("plan", "not_equals", "pro"), { plan: "free" }, { plan: "pro" }],
    [where("email", "contains", "@acme."), { email: "a@acme.io" }, { email: "a@acne.io" }],
    [where("email", "ends_with", "@acme.io"), { email: "a@acme.io" }, { email: "a@acme.iom" }],
    [where("targetingKey", "starts_with", "staff-"), { targetingKey: "staff-1" }, { targetingKey: "user-1" }],
    [where("age", "gte", 18), { age: 18 }, { age: 17.5 }],
    [where("age", "lt", 18), { age: 17 }, { age: 18 }],
    [where("age", "gt", 18), { age: 19 }, { age: "19" }],
    [where("age", "lte", 18), { age: 18 }, { age: 19 }],
    [where("app", "semver_gte", "2.4.0"), { app: "2.10.0" }, { app: "2.4.0-rc.1" }],
    [where("app", "semver_lt", "2.4.0"), { app: "2.4.0-rc.1" }, { app: "2.4.0" }],
    [where("app", "semver_eq", "2.4.0"), { app: "v2.4.0+b7" }, { app: "2.4.1" }],
    [where("app", "semver_gt", "2.4.0"), { app: "3.0.0" }, { app: "not.a.version" }],
    [where("app", "semver_lte", "2.4.0"), { app: "2.3.9" }, { app: "2.4.1" }],
  ] satisfies [AttributeCondition, EvaluationContext, EvaluationContext][])(
    "$operator matches %j",
    (condition, matching, other) => {
      const flag = releaseFlag({ rules: [serve("on", condition)] });
      expect(evaluateFlag(flag, matching).reason).toBe("TARGETING_MATCH");
      expect(evaluateFlag(flag, other).reason).toBe("DEFAULT");
    },
  );

  it("matches no condition on a missing attribute, not even not_in, nor on inherited properties", () => {
    const flag = releaseFlag({
      rules: [serve("on", where("country", "not_in", "DE")), serve("on", where("constructor", "in", "x"))],
    });
    expect(evaluateFlag(flag, {}).reason).toBe("DEFAULT");
    expect(evaluateFlag(flag, { country: null }).reason).toBe("DEFAULT");
  });

  it("targets segments by listed key or by rule, and negated", () => {
    const staff = {
      key: "staff",
      includedKeys: ["alice"],
      rules: [{ conditions: [where("email", "ends_with", "@sluice.dev")] }],
    };
    const flag = releaseFlag({
      rules: [serve("on", { segment: "staff" }), serve("off", { segment: "staff", negate: true })],
      segments: segments(staff),
    });
    expect(evaluateFlag(flag, { targetingKey: "alice" })).toMatchObject({ variant: "on" });
    expect(evaluateFlag(flag, { email: "bob@sluice.dev" })).toMatchObject({ variant: "on" });
    expect(evaluateFlag(flag, { targetingKey: "carol", email: "c@x.io" })).toMatchObject({
      variant: "off",
      reason: "TARGETING_MATCH",
    });
    const missing = releaseFlag({ rules: [serve("on", { segment: "nobody-defined-it" })] });
    expect(evaluateFlag(missing, { targetingKey: "alice" }).reason).toBe("DEFAULT");
  });

  it("serves the off variant, DISABLED, when killed or disabled, whatever the rules and context", () => {
    const rules = [serve("on")];
    const percentage = { variant: "on", percent: 100, rolloutId: "r1" };
    for (const flag of [
      releaseFlag({ rules, percentage, killed: true }),
      releaseFlag({ rules, percentage, enabled: false }),
    ]) {
      expect(evaluateFlag(flag, { targetingKey: "k" })).toEqual({
        key: flag.key,
        value: false,
        variant: "off",
        reason: "DISABLED",
        cohort: null,
      });
      expect(evaluateFlag(flag, { targetingKey: 42 } as unknown as EvaluationContext).reason).toBe(
        "DISABLED",
      );
    }
  });

  it("buckets the percentage by targeting key with the flag key as group, naming the cohort", () => {
    const flag = releaseFlag({ percentage: { variant: "on", percent: 30, rolloutId: "r1" } });
    let canary = 0;
    for (let i = 0; i < 2000; i++) {
      const key = `user-${i}`;
      const result = evaluateFlag(flag, { targetingKey: key });
      const exposed = isInRollout(key, flag.key, 30);
      expect(result).toMatchObject({
        reason: "SPLIT",
        variant: exposed ? "on" : "off",
        cohort: exposed ? "canary" : "baseline",
      });
      if (exposed) canary++;
    }
    expect(canary / 2000).toBeGreaterThan(0.26);
    expect(canary / 2000).toBeLessThan(0.34);
    const fixed = releaseFlag({ percentage: { variant: "on", percent: 30, rolloutId: null } });
    expect(evaluateFlag(fixed, { targetingKey: "user-1" })).toMatchObject({ cohort: null });
  });

  it("lets rules take keys out of the rollout's population", () => {
    const flag = releaseFlag({
      rules: [serve("off", where("country", "in", "CN"))],
      percentage: { variant: "on", percent: 100, rolloutId: "r1" },
    });
    expect(evaluateFlag(flag, { targetingKey: "k", country: "CN" })).toMatchObject({
      variant: "off",
      cohort: null,
    });
    expect(evaluateFlag(flag, { targetingKey: "k", country: "DE" })).toMatchObject({
      variant: "on",
      cohort: "canary",
    });
  });

  it("reports TARGETING_KEY_MISSING only when a bucket is needed", () => {
    const at = (percent: number) => releaseFlag({ percentage: { variant: "on", percent, rolloutId: "r1" } });
    expect(evaluateFlag(at(25), {})).toEqual({
      key: "checkout.new-summary",
      reason: "ERROR",
      errorCode: "TARGETING_KEY_MISSING",
      errorDetails: "flag checkout.new-summary serves 25% and buckets by targetingKey",
    });
    expect(evaluateFlag(at(25), { targetingKey: "" })).toMatchObject({ errorCode: "TARGETING_KEY_MISSING" });
    expect(evaluateFlag(at(0), {})).toMatchObject({ variant: "off", cohort: "baseline" });
    expect(evaluateFlag(at(100), {})).toMatchObject({ variant: "on", cohort: "canary" });
    const split = releaseFlag({
      rules: [
        {
          name: "half",
          conditions: [],
          serve: {
            split: [
              { variant: "on", weight: 50 },
              { variant: "off", weight: 50 },
            ],
          },
        },
      ],
    });
    expect(evaluateFlag(split, {})).toMatchObject({ errorCode: "TARGETING_KEY_MISSING" });
    expect(evaluateFlag(split, { targetingKey: "k" }).reason).toBe("SPLIT");
  });

  it("splits a rule's audience by weight, stickily", () => {
    const flag = releaseFlag({
      variants: [
        { name: "control", value: { layout: "list" } },
        { name: "grid", value: { layout: "grid" } },
      ],
      defaultVariant: "control",
      offVariant: "control",
      rules: [
        {
          name: "experiment",
          conditions: [],
          serve: {
            split: [
              { variant: "control", weight: 800 },
              { variant: "grid", weight: 200 },
            ],
          },
        },
      ],
    });
    let grid = 0;
    for (let i = 0; i < 5000; i++) {
      const ctx = { targetingKey: `u${i}` };
      const first = evaluateFlag(flag, ctx);
      expect(evaluateFlag(flag, ctx)).toEqual(first);
      if ("variant" in first && first.variant === "grid") grid++;
    }
    expect(Math.abs(grid / 5000 - 0.2)).toBeLessThan(0.02);
  });

  it("refuses a context that is not an object or has a non-string targeting key", () => {
    const flag = releaseFlag();
    const cases: [unknown, string][] = [
      [null, "context: must be an object"],
      [[], "context: must be an object"],
      ["user-1", "context: must be an object"],
      [{ targetingKey: 7 }, "context.targetingKey: must be a string"],
    ];
    for (const [context, errorDetails] of cases) {
      expect(evaluateFlag(flag, context as EvaluationContext)).toMatchObject({
        reason: "ERROR",
        errorCode: "INVALID_CONTEXT",
        errorDetails,
      });
    }
  });

  it("reports a definition naming an unknown variant instead of throwing", () => {
    const flag = releaseFlag({ defaultVariant: "gone" });
    expect(evaluateFlag(flag, {})).toMatchObject({ reason: "ERROR", errorCode: "GENERAL" });
  });
});
