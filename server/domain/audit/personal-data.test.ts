import { describe, expect, it } from "vitest";
import { HIDDEN, withoutPersonalData } from "./personal-data";

describe("audit events without personal data", () => {
  it("hides emails and client addresses in the target, reason and before/after, and nothing else", () => {
    const event = {
      id: "7",
      action: "auth.sign-in-failed",
      targetId: "email:someone@corp.example",
      reason: "role of ops@corp.example set to operator",
      before: null,
      after: { email: "someone@corp.example", address: "10.0.0.8", lockedForSeconds: 0, groups: ["a@b.c"] },
    };
    expect(withoutPersonalData(event)).toEqual({
      id: "7",
      action: "auth.sign-in-failed",
      targetId: `email:${HIDDEN}`,
      reason: `role of ${HIDDEN} set to operator`,
      before: null,
      after: { email: HIDDEN, address: HIDDEN, lockedForSeconds: 0, groups: [HIDDEN] },
    });
    const plain = {
      targetId: "cmx1rollout",
      reason: "gates failed at step 2 (5%)",
      before: { a: 1 },
      after: [],
    };
    expect(withoutPersonalData(plain)).toEqual(plain);
  });
});
