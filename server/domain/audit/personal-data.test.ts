import { describe, expect, it } from "vitest";
import { HIDDEN, hideEmails, withoutPersonalData } from "./personal-data";

describe("audit events without personal data", () => {
  it("hides emails and client addresses in the target, reason and before/after, and nothing else", () => {
    const event = {
      id: "7",
      actor: "system:sign-in",
      action: "auth.sign-in-failed",
      targetId: "email:someone@corp.example",
      reason: "role of ops@corp.example set to operator",
      before: null,
      after: { email: "someone@corp.example", address: "10.0.0.8", lockedForSeconds: 0, groups: ["a@b.c"] },
    };
    expect(withoutPersonalData(event)).toEqual({
      id: "7",
      actor: "system:sign-in",
      action: "auth.sign-in-failed",
      targetId: `email:${HIDDEN}`,
      reason: `role of ${HIDDEN} set to operator`,
      before: null,
      after: { email: HIDDEN, address: HIDDEN, lockedForSeconds: 0, groups: [HIDDEN] },
    });
    const plain = {
      actor: "operator:alice",
      targetId: "cmx1rollout",
      reason: "gates failed at step 2 (5%)",
      before: { a: 1 },
      after: [],
    };
    expect(withoutPersonalData(plain)).toEqual(plain);
  });

  it("hides an email in the actor, keeping its role and the rest of the name readable", () => {
    const event = {
      actor: "operator:alice@corp.example",
      targetId: "r1",
      reason: null,
      before: null,
      after: null,
    };
    expect(withoutPersonalData(event).actor).toBe(`operator:${HIDDEN}`);
    expect(hideEmails("viewer:Alice Smith <alice@corp.example>")).toBe(`viewer:Alice Smith <${HIDDEN}>`);
  });
});
