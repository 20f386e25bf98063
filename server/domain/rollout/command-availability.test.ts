import { describe, expect, it } from "vitest";
import { commandAvailability } from "./command-availability";
import { decide } from "./decide";
import { canaryDraft, ctx, incidentFreeze, T0 } from "./rollout-fixtures";

describe("commandAvailability", () => {
  const running = () => decide(canaryDraft(), { type: "start" }, ctx(T0)).next;

  it("allows what the state machine accepts and explains the rest", () => {
    const available = commandAvailability(running(), ctx(T0));
    expect(available.pause).toEqual({ allowed: true });
    expect(available.kill).toEqual({ allowed: true });
    expect(available.abort).toEqual({ allowed: true });
    expect(available.start).toEqual({
      allowed: false,
      reason: expect.stringContaining("start is not allowed"),
      code: "ILLEGAL_TRANSITION",
    });
    expect(available.advance.allowed).toBe(false);
  });

  it("names the incident that freezes a resume, while pause and kill stay available", () => {
    const paused = decide(running(), { type: "pause" }, ctx(T0)).next;
    const available = commandAvailability(paused, ctx(T0, undefined, incidentFreeze));
    expect(available.resume).toEqual({
      allowed: false,
      reason: expect.stringContaining("INC-7"),
      code: "FROZEN",
    });
    expect(available.pause).toEqual({ allowed: false, reason: "already paused" });
    expect(available.kill.allowed).toBe(true);
  });
});
