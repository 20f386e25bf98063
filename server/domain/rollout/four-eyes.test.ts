import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { commandAvailability } from "./command-availability";
import { decide } from "./decide";
import {
  canaryDraft,
  ctx,
  evaluator,
  incidentFreeze,
  operator,
  releaseManager,
  T0,
} from "./rollout-fixtures";
import type { Actor, RolloutSnapshot } from "./rollout-types";

const otherManager: Actor = { id: "user:mira", role: "release_manager" };
const admin: Actor = { id: "user:ada", role: "admin" };
const token: Actor = { id: "token:ci", role: "system" };

/** A high-risk canary created by `creator`, started by `starter` and waiting for approval of 100%. */
function awaitingApproval(tags: string[], creator: Actor, starter: Actor): RolloutSnapshot {
  const draft = canaryDraft({ tags, createdBy: creator.id });
  let r = decide(draft, { type: "start" }, ctx(T0, starter)).next;
  for (let step = 0; step < draft.steps.length - 1; step++) {
    const passed = decide(
      r,
      { type: "gates-passed", stepIndex: r.currentStep },
      ctx(T0 + 3_600_000, evaluator),
    );
    r =
      passed.next.phase === "ramping"
        ? decide(passed.next, { type: "advance" }, ctx(T0, operator)).next
        : passed.next;
  }
  expect(r.phase).toBe("awaiting_approval");
  return r;
}

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("four eyes on high-risk approvals", () => {
  it("records who started the rollout", () => {
    const started = decide(canaryDraft({ createdBy: token.id }), { type: "start" }, ctx(T0, releaseManager));
    expect(started.next).toMatchObject({ createdBy: token.id, startedBy: releaseManager.id });
  });

  it("refuses the release manager who started a payment rollout, naming why", () => {
    const r = awaitingApproval(["payment"], token, releaseManager);
    const error = refusal(() => decide(r, { type: "approve" }, ctx(T0, releaseManager)));
    expect(error).toMatchObject({ code: "FORBIDDEN", field: "actor" });
    expect(error.message).toBe(
      "approve refused: rollout r1 is high-risk (payment) and needs a second release manager's approval; you started it",
    );
  });

  it("refuses the creator too, even when someone else started it", () => {
    const r = awaitingApproval(["schema-affecting"], releaseManager, otherManager);
    expect(refusal(() => decide(r, { type: "approve" }, ctx(T0, releaseManager))).message).toMatch(
      /you created it$/,
    );
    const both = awaitingApproval(["auth"], releaseManager, releaseManager);
    expect(refusal(() => decide(both, { type: "approve" }, ctx(T0, releaseManager))).message).toMatch(
      /you created and started it$/,
    );
  });

  it("refuses anyone who is not a release manager: tokens, the scheduler, admins", () => {
    const r = awaitingApproval(["payment"], releaseManager, releaseManager);
    for (const actor of [token, evaluator, admin, operator]) {
      const error = refusal(() => decide(r, { type: "approve" }, ctx(T0, actor)));
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toContain(`${actor.role} may not approve it`);
    }
  });

  it("lets a second release manager approve, and still honours the freeze after four eyes", () => {
    const r = awaitingApproval(["payment"], token, releaseManager);
    const approved = decide(r, { type: "approve" }, ctx(T0, otherManager));
    expect(approved.next).toMatchObject({ phase: "holding", exposurePercent: 100 });
    expect(approved.events.map((e) => e.type)).toContain("rollout.approved");
    expect(
      refusal(() => decide(r, { type: "approve" }, { ...ctx(T0, otherManager), freeze: incidentFreeze }))
        .code,
    ).toBe("FROZEN");
  });

  it("leaves ordinary rollouts to a single release manager", () => {
    const r = awaitingApproval([], releaseManager, releaseManager);
    expect(decide(r, { type: "approve" }, ctx(T0, releaseManager)).next.phase).toBe("holding");
  });

  it("shows the refusal in the command availability the UI reads", () => {
    const r = awaitingApproval(["payment"], token, releaseManager);
    expect(commandAvailability(r, ctx(T0, releaseManager)).approve).toEqual({
      allowed: false,
      reason: expect.stringContaining("needs a second release manager"),
      code: "FORBIDDEN",
    });
    expect(commandAvailability(r, ctx(T0, otherManager)).approve).toEqual({ allowed: true });
  });
});
