import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { declareIncident } from "../incidents/declare-incident";
import { resolveIncident } from "../incidents/resolve-incident";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { listFreezeHistory } from "./list-freeze-history";

const auditor = { personalData: true };

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

    const history = await listFreezeHistory(demo.services, auditor);

    expect(history.map(({ kind, change, services, reason }) => ({ kind, change, services, reason }))).toEqual(
      [
        { kind: "incident", change: "ended", services: ["*"], reason: expect.any(String) },
        {
          kind: "break-glass",
          change: "overridden",
          services: ["checkout-api"],
          reason: "the fix itself must ship",
        },
        { kind: "incident", change: "started", services: ["*"], reason: "payments provider down" },
      ],
    );
    expect(history[1]).toMatchObject({
      actor: expect.stringContaining(demo.actor("release_manager").name),
      rolloutId: checkout,
      overrode: [`incident ${incident.id} (payments provider down)`],
    });
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
    const [widened, started] = await listFreezeHistory(demo.services, auditor);
    expect(widened).toMatchObject({ kind: "incident", change: "changed", services: ["search", "payments"] });
    expect(started).toMatchObject({ kind: "incident", change: "started" });
    await resolveIncident(demo.services, demo.actor("operator"), { id: incident.id });
  });

  it("lists one entry per break glass, not its command's other events nor a reason that reads like one", async () => {
    await declareIncident(demo.services, demo.actor("operator"), {
      title: "outage",
      severity: "sev1",
      services: ["*"],
    });
    const before = await listFreezeHistory(demo.services, auditor);
    // A start through a freeze emits the override, the start and the step's entry, all "break glass: ...".
    await runRolloutCommand(demo.services, demo.actor("release_manager"), demo.rollouts.profile as string, {
      type: "start",
      override: { reason: "hotfix must ship" },
    });
    // A kill is never frozen; its free-text reason only looks like a break glass.
    await runRolloutCommand(demo.services, demo.actor("operator"), demo.rollouts.search as string, {
      type: "kill",
      reason: "break glass: pager said so",
    });
    const added = (await listFreezeHistory(demo.services, auditor)).slice(0, -before.length);
    expect(added).toMatchObject([{ kind: "break-glass", reason: "hotfix must ship", services: ["profile"] }]);
  });

  it("hides an email in who acted from a reader without personal data", async () => {
    const named = { ...demo.actor("operator"), name: "olga@corp.example" };
    await declareIncident(demo.services, named, {
      title: "disk full",
      severity: "sev3",
      services: ["search"],
    });
    const [seen] = await listFreezeHistory(demo.services, { personalData: false });
    expect(seen).toMatchObject({ reason: "disk full", actor: "operator:(hidden)" });
    expect((await listFreezeHistory(demo.services, auditor))[0]?.actor).toBe("operator:olga@corp.example");
  });
});
