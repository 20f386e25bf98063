import { describe, expect, it } from "vitest";
import { tokenState } from "./token-state";

const now = Date.parse("2026-05-01T12:00:00Z");
const at = (iso: string) => new Date(iso);

describe("tokenState", () => {
  it("is active without expiry, or before it", () => {
    expect(tokenState({ revokedAt: null, expiresAt: null }, now)).toEqual({ kind: "active" });
    expect(tokenState({ revokedAt: null, expiresAt: at("2026-05-01T12:00:01Z") }, now)).toEqual({
      kind: "active",
    });
  });

  it("is expired from its expiry on, as authentication refuses it", () => {
    const expiresAt = at("2026-05-01T12:00:00Z");
    expect(tokenState({ revokedAt: null, expiresAt }, now)).toEqual({ kind: "expired", since: expiresAt });
  });

  it("is revoked once revoked, expired or not", () => {
    const revokedAt = at("2026-04-01T00:00:00Z");
    expect(tokenState({ revokedAt, expiresAt: at("2026-04-02T00:00:00Z") }, now)).toEqual({
      kind: "revoked",
      since: revokedAt,
    });
  });
});
