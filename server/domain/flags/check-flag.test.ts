import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { checkFlagConfig, checkSegment, type FlagConfig } from "./check-flag";

const base: FlagConfig = {
  variants: [
    { name: "on", value: true },
    { name: "off", value: false },
  ],
  defaultVariant: "off",
  offVariant: "off",
  rules: [],
  percentageVariant: null,
  percentage: null,
};
const options = { segments: new Set(["staff"]), drivenByRollout: false };

function fieldOf(config: Partial<FlagConfig>, opts = options): string | undefined {
  try {
    checkFlagConfig({ ...base, ...config }, opts);
  } catch (error) {
    if (error instanceof AppError && error.code === "BAD_INPUT") return error.field;
    throw error;
  }
  return undefined;
}

describe("checkFlagConfig", () => {
  it("accepts a sound flag", () => {
    expect(fieldOf({})).toBeUndefined();
    expect(
      fieldOf({
        rules: [
          { name: "staff", conditions: [{ segment: "staff" }], serve: { variant: "on" } },
          {
            name: "app",
            conditions: [{ attribute: "app", operator: "semver_gte", values: ["2.0.0"] }],
            serve: { split: [{ variant: "on", weight: 1 }] },
          },
        ],
        percentageVariant: "on",
        percentage: 12.5,
      }),
    ).toBeUndefined();
  });

  it.each([
    [{ variants: [] }, "variants"],
    [
      {
        variants: [
          { name: "on", value: true },
          { name: "on", value: false },
        ],
      },
      "variants[1].name",
    ],
    [
      {
        variants: [
          { name: "on", value: true },
          { name: "off", value: "no" },
        ],
      },
      "variants[1].value",
    ],
    [{ variants: [{ name: "off", value: [1] as unknown as string }] }, "variants[0].value"],
    [{ defaultVariant: "maybe" }, "defaultVariant"],
    [{ offVariant: "maybe" }, "offVariant"],
    [{ rules: [{ name: "r", conditions: [], serve: { variant: "x" } }] }, "rules[0].serve.variant"],
    [
      { rules: [{ name: "r", conditions: [{ segment: "ghosts" }], serve: { variant: "on" } }] },
      "rules[0].conditions[0].segment",
    ],
    [
      {
        rules: [
          {
            name: "r",
            conditions: [{ attribute: "a", operator: "equals", values: [] }],
            serve: { variant: "on" },
          },
        ],
      },
      "rules[0].conditions[0].values",
    ],
    [
      {
        rules: [
          {
            name: "r",
            conditions: [{ attribute: "a", operator: "gt", values: ["5"] }],
            serve: { variant: "on" },
          },
        ],
      },
      "rules[0].conditions[0].values[0]",
    ],
    [
      {
        rules: [
          { name: "ok", conditions: [], serve: { variant: "on" } },
          {
            name: "r",
            conditions: [{ attribute: "v", operator: "semver_lt", values: ["2.x"] }],
            serve: { variant: "on" },
          },
        ],
      },
      "rules[1].conditions[0].values[0]",
    ],
    [
      {
        rules: [
          {
            name: "r",
            conditions: [{ attribute: " ", operator: "in", values: ["x"] }],
            serve: { variant: "on" },
          },
        ],
      },
      "rules[0].conditions[0].attribute",
    ],
    [{ rules: [{ name: "r", conditions: [], serve: { split: [] } }] }, "rules[0].serve.split"],
    [
      { rules: [{ name: "r", conditions: [], serve: { split: [{ variant: "on", weight: 0 }] } }] },
      "rules[0].serve.split",
    ],
    [
      { rules: [{ name: "r", conditions: [], serve: { split: [{ variant: "on", weight: 1.5 }] } }] },
      "rules[0].serve.split[0].weight",
    ],
    [{ percentage: 10 }, "percentageVariant"],
    [{ percentageVariant: "on", percentage: 101 }, "percentage"],
    [{ percentageVariant: "on", percentage: 0.001 }, "percentage"],
  ] as [Partial<FlagConfig>, string][])("refuses %j naming %s", (config, field) => {
    expect(fieldOf(config)).toBe(field);
  });

  it("makes a rollout's flag name the variant it exposes", () => {
    expect(fieldOf({}, { ...options, drivenByRollout: true })).toBe("percentageVariant");
    expect(fieldOf({ percentageVariant: "on" }, { ...options, drivenByRollout: true })).toBeUndefined();
  });

  it("puts the field in the message", () => {
    expect(() => checkFlagConfig({ ...base, offVariant: "x" }, options)).toThrow(
      "offVariant: no variant named x",
    );
  });
});

describe("checkSegment", () => {
  it("refuses empty keys and empty rules, naming the field", () => {
    expect(() => checkSegment({ includedKeys: ["a", ""], rules: [] })).toThrow(
      expect.objectContaining({ field: "includedKeys[1]" }),
    );
    expect(() => checkSegment({ includedKeys: [], rules: [{ conditions: [] }] })).toThrow(
      expect.objectContaining({ field: "rules[0].conditions" }),
    );
    expect(() =>
      checkSegment({
        includedKeys: ["a"],
        rules: [{ conditions: [{ attribute: "x", operator: "in", values: ["y"] }] }],
      }),
    ).not.toThrow();
  });
});
