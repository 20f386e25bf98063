import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { declareIncident } from "../incidents/declare-incident";
import { resolveIncident } from "../incidents/resolve-incident";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { listFreezeHistory } from "./list-freeze-history";

describe("the freeze history", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("lists freezes starting and ending and every break glass, newest first, with their services", async () => {
    const checkout = demo.rollouts["checkout-api"] as string;
    const incident = await declareIncident(demo.services, demo.actor("operator"), {
      title: "payments provider down",
      severity: "sev1",
      services: ["*"],
    });
    demo.advanceClock(60_000);
    await runRolloutCommand(demo.services, demo.actor("operator"), checkout, { type: "pause" });
    demo.advanceClock(60_000);
    await runRolloutCommand(demo.services, demo.actor("release_manager"), checkout, {
      type: "resume",
      override: { reason: "the fix itself must ship" },
    });
    demo.advanceClock(60_000);
    await resolveIncident(demo.services, demo.actor("operator"), { id: incident.id });

    const history = await listFreezeHistory(demo.services);

    expect(history.map(({ kind, change, services, reason }) => ({ kind, change, services, reason }))).toEqual(
      [
        { kind: "incident", change: "ended", services: ["*"], reason: expect.any(String) },
        {
          kind: "break-glass",
          change: "overridden",
          services: ["checkout-api"],
          reason: expect.stringContaining("the fix itself must ship"),
        },
        { kind: "incident", change: "started", services: ["*"], reason: "payments provider down" },
      ],
    );
    expect(history[1]?.actor).toContain(demo.actor("release_manager").name);
    expect(history[2]?.at).toEqual(new Date("2026-11-27T10:00:00Z"));
    // The pause is not a freeze event.
    expect(history.some((e) => e.reason?.includes("pause"))).toBe(false);
  });

  it("lists an incident's freeze widened by a repeat declaration, with the services it now freezes", async () => {
    const declare = (services: string[]) =>
      declareIncident(demo.services, demo.actor("operator"), {
        externalId: "INC-7",
        title: "search slow",
        severity: "sev2",
        services,
      });
    const incident = await declare(["search"]);
    await declare(["search", "payments"]);
    const [widened, started] = await listFreezeHistory(demo.services);
    expect(widened).toMatchObject({ kind: "incident", change: "changed", services: ["search", "payments"] });
    expect(started).toMatchObject({ kind: "incident", change: "started" });
    await resolveIncident(demo.services, demo.actor("operator"), { id: incident.id });
  });
});
