import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { murmur3x86_32 } from "./murmur3";
import { VARIANT_SEED } from "./sticky-bucket";
import { selectVariant } from "./variant-selection";

const abc = [
  { name: "a", weight: 333 },
  { name: "b", weight: 333 },
  { name: "c", weight: 334 },
];

describe("selectVariant", () => {
  it("picks the variant whose cumulative weight first reaches the hashed target", () => {
    for (const key of ["user-1", "user-2", "user-3", "ünïcødé"]) {
      const target = (murmur3x86_32(`exp:${key}`, VARIANT_SEED) % 1000) + 1;
      const expected = target <= 333 ? "a" : target <= 666 ? "b" : "c";
      expect(selectVariant(key, "exp", abc)?.name).toBe(expected);
    }
  });

  it("is sticky and never picks a zero-weight variant", () => {
    const variants = [
      { name: "off", weight: 0 },
      { name: "on", weight: 1 },
    ];
    fc.assert(
      fc.property(fc.string(), (key) => {
        expect(selectVariant(key, "g", variants)?.name).toBe("on");
        expect(selectVariant(key, "g", abc)).toBe(selectVariant(key, "g", abc));
      }),
    );
  });

  it("returns null without weight and refuses negative weights", () => {
    expect(selectVariant("k", "g", [])).toBeNull();
    expect(selectVariant("k", "g", [{ name: "x", weight: 0 }])).toBeNull();
    expect(() => selectVariant("k", "g", [{ name: "x", weight: -1 }])).toThrow(/variants\[0\]\.weight/);
  });

  it("splits traffic by weight", () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) {
      const name = selectVariant(`user-${i}`, "exp", abc)?.name ?? "none";
      counts[name] = (counts[name] ?? 0) + 1;
    }
    for (const v of abc)
      expect(Math.abs((counts[v.name] ?? 0) / 30_000 - v.weight / 1000)).toBeLessThan(0.015);
  });
});
