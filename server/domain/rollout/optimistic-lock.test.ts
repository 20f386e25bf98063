import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { assertVersion, versionedWrite } from "./optimistic-lock";
import { canaryDraft, ctx, T0 } from "./rollout-fixtures";

describe("optimistic locking", () => {
  it("conditions the write on the version read and increments it", () => {
    const before = canaryDraft({ version: 3 });
    const { next } = decide(before, { type: "start" }, ctx(T0));
    expect(versionedWrite(before, next)).toMatchObject({
      id: "r1",
      expectedVersion: 3,
      next: { version: 4 },
    });
  });

  it("refuses a stale expected version with CONFLICT", () => {
    expect(() => assertVersion(canaryDraft({ version: 4 }), 3)).toThrow(/changed \(version 4, you had 3\)/);
    expect(() => assertVersion(canaryDraft({ version: 4 }), 4)).not.toThrow();
  });
});
