import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { browseAuditEvents } from "./list-audit-events";

describe("the audit history as the audit page shows it", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("names each rollout, release, service and user target as people know it, and leaves others as ids", async () => {
    await registerDeploy(demo.services, systemActor("ci"), {
      service: "search",
      environment: "staging",
      version: "3.3.0",
      artifact: "search:3.3.0",
    });
    const { events } = await browseAuditEvents(demo.services, { limit: 200 });
    const named = (targetType: string) =>
      new Set(events.filter((e) => e.targetType === targetType).map((e) => e.targetLabel));
    expect(named("rollout")).toEqual(
      new Set([
        "checkout-api 2.14.0 in production",
        "search 3.2.0 in production",
        "payments 7.1.0 in production",
        "profile 4.0.0 in production",
      ]),
    );
    expect(named("release")).toEqual(new Set(["search 3.3.0 in staging"]));
    // A flag is named by its key already: no label.
    expect(named("flag")).toEqual(new Set([null]));
    // The stored record is unchanged: the label is beside it, not in it.
    const rollout = events.find((e) => e.targetType === "rollout");
    expect(rollout?.targetId).toMatch(/^c[a-z0-9]{20,}$/);
  });
});
