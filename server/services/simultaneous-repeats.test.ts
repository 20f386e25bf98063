import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { systemActor } from "./actors";
import { registerDeploy } from "./deploys/register-deploy";
import { declareIncident } from "./incidents/declare-incident";

/** Pipelines and pagers retry; a retry racing its original must read as a repeat, never as a conflict. */
describe("idempotent writes repeated at the same moment", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("registers one deploy (and one new service) for simultaneous identical registrations", async () => {
    const deploy = { service: "ledger", environment: "production", version: "1.0.0", artifact: "ledger:1" };
    const results = await Promise.all(
      Array.from({ length: 4 }, () => registerDeploy(demo.services, systemActor("ci"), deploy)),
    );
    expect(new Set(results.map((r) => r.release.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const audit = await demo.database.db.auditEvent.count({ where: { action: "release.deployed" } });
    expect(audit).toBe(1);
  });

  it("declares one incident for simultaneous declarations with the same external id", async () => {
    const incident = {
      externalId: "PD-42",
      title: "checkout down",
      severity: "sev1",
      services: ["checkout-api"],
    };
    const results = await Promise.all(
      Array.from({ length: 4 }, () => declareIncident(demo.services, systemActor("pager"), incident)),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await demo.database.db.incident.count({ where: { externalId: "PD-42" } })).toBe(1);
  });
});
