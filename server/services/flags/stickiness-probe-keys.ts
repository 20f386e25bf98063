import type { EvaluableFlag } from "../../domain/flags";

/** ASCII, accented, CJK and emoji keys: the bytes hashed must agree for all of them. */
export function probeKeys(count: number): string[] {
  const shapes = ["user-", "ünïcødé-", "用户-", "🙂-", "tenant:acme/"];
  return Array.from({ length: count }, (_, i) => `${shapes[i % shapes.length]}${i}`);
}

/** A 37.5% flag with a weighted rule, so both the percentage and the split are compared. */
export function probeFlag(): EvaluableFlag {
  return {
    key: "search.release-3.2.0",
    variants: [
      { name: "on", value: true },
      { name: "off", value: false },
    ],
    defaultVariant: "off",
    offVariant: "off",
    rules: [
      {
        name: "beta split",
        conditions: [{ attribute: "targetingKey", operator: "starts_with", values: ["tenant:"] }],
        serve: {
          split: [
            { variant: "on", weight: 300 },
            { variant: "off", weight: 700 },
          ],
        },
      },
    ],
    percentage: { variant: "on", percent: 37.5, rolloutId: "r" },
    enabled: true,
    killed: false,
    segments: new Map(),
  };
}
