import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateFlag } from "./evaluate-flag";
import { releaseFlag } from "./flag-fixtures";

const percent = fc.integer({ min: 0, max: 10_000 }).map((bp) => bp / 100);

describe("evaluateFlag percentage (property)", () => {
  it("never moves an exposed key out when the rollout's percentage rises", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, unit: "binary" }),
        fc.string({ minLength: 1 }),
        percent,
        percent,
        (targetingKey, flagKey, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const at = (p: number) =>
            evaluateFlag(
              releaseFlag({ key: flagKey, percentage: { variant: "on", percent: p, rolloutId: "r" } }),
              {
                targetingKey,
              },
            );
          const before = at(low);
          if ("cohort" in before && before.cohort === "canary") {
            expect(at(high)).toMatchObject({ variant: "on", cohort: "canary" });
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("always returns a declared variant or an error, never throws, for any percentage and context", () => {
    const context = fc.dictionary(
      fc.string(),
      fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string())),
    );
    fc.assert(
      fc.property(percent, context, fc.option(fc.string()), (p, attributes, targetingKey) => {
        const flag = releaseFlag({
          rules: [
            {
              name: "de",
              conditions: [{ attribute: "country", operator: "in", values: ["DE"] }],
              serve: { variant: "on" },
            },
          ],
          percentage: { variant: "on", percent: p, rolloutId: null },
        });
        const result = evaluateFlag(flag, {
          ...attributes,
          ...(targetingKey === null ? {} : { targetingKey }),
        });
        if (result.reason === "ERROR") expect(result.errorCode).toBe("TARGETING_KEY_MISSING");
        else expect(["on", "off"]).toContain(result.variant);
      }),
    );
  });
});
