import { describe, expect, it } from "vitest";
import { expectedCount, percent, signedChange } from "./describe-numbers";

describe("verdict numbers", () => {
  it("shows expected counts precisely enough to compare with small observed counts", () => {
    expect(expectedCount(283.4)).toBe("283");
    expect(expectedCount(9.64)).toBe("9.6");
    expect(expectedCount(1)).toBe("1.0");
    // A far tail bucket: 0.031 expected is not "0.0" (4 observed against 0.031 is strong evidence).
    expect(expectedCount(0.031)).toBe("0.031");
    expect(expectedCount(0)).toBe("0.0");
  });

  it("shows rates and changes as a reader checks them", () => {
    expect(percent(0.00525)).toBe("0.53%");
    expect(percent(0.000176)).toBe("0.018%");
    expect(signedChange(0.0053, 0.0032)).toBe("+66%");
    expect(signedChange(0.0101, 0.01)).toBe("+1%");
  });
});
