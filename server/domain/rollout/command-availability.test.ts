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
    // What a disabled button says, without the rollout's id the API's message carries.
    expect(available.start).toEqual({
      allowed: false,
      reason: "not while running · holding",
      code: "ILLEGAL_TRANSITION",
    });
    expect(available.advance).toEqual({
      allowed: false,
      reason: "step 1 (1%) has not passed its hold and gates yet",
      code: "ILLEGAL_TRANSITION",
    });
    expect(available.resume).toMatchObject({ reason: "not while running · holding" });
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

  it("names a titled incident by its title, not its id", () => {
    const paused = decide(running(), { type: "pause" }, ctx(T0)).next;
    const titled = {
      ...incidentFreeze,
      incidents: [
        { id: "cmx1incident (all down)", title: "all down", severity: "sev2", services: "*" as const },
      ],
    };
    expect(commandAvailability(paused, ctx(T0, undefined, titled)).resume).toEqual({
      allowed: false,
      reason: "frozen by incident “all down” (sev2); a release manager may override with a written reason",
      code: "FROZEN",
    });
  });

  it("disables kill on an ended rollout, where it would change nothing, and says so", () => {
    const killed = decide(running(), { type: "kill" }, ctx(T0)).next;
    expect(commandAvailability(killed, ctx(T0)).kill).toEqual({
      allowed: false,
      reason: "already rolled back at 0%: nothing to roll back (a new rollout reverts a release)",
    });
    const completed = { ...running(), state: "completed" as const, phase: null, exposurePercent: 100 };
    expect(commandAvailability(completed, ctx(T0)).kill).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^already completed at 100%: nothing to roll back/),
    });
  });
});
