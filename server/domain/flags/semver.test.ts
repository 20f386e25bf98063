import { describe, expect, it } from "vitest";
import { compareSemVer, parseSemVer } from "./semver";

const cmp = (a: string, b: string) => {
  const x = parseSemVer(a);
  const y = parseSemVer(b);
  if (!x || !y) throw new Error(`not semver: ${a} or ${b}`);
  return compareSemVer(x, y);
};

describe("semver", () => {
  it("parses releases, pre-releases, build metadata and a leading v", () => {
    expect(parseSemVer("1.2.3")).toEqual({ major: 1, minor: 2, patch: 3, prerelease: [] });
    expect(parseSemVer("v10.0.1-rc.2+build.7")).toEqual({
      major: 10,
      minor: 0,
      patch: 1,
      prerelease: ["rc", 2],
    });
    for (const bad of ["1.2", "01.2.3", "1.2.3-", "1.2.x", "", "1.2.3.4"])
      expect(parseSemVer(bad)).toBeNull();
  });

  it("orders by SemVer 2.0.0 precedence", () => {
    const ordered = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "1.0.1",
      "1.2.0",
      "2.0.0",
      "10.0.0",
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(cmp(ordered[i] as string, ordered[i + 1] as string)).toBe(-1);
      expect(cmp(ordered[i + 1] as string, ordered[i] as string)).toBe(1);
    }
    expect(cmp("1.0.0+a", "1.0.0+b")).toBe(0);
  });
});
