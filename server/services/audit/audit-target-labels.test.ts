import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../auth/permissions";
import { defaultGates } from "../../domain/analysis/default-gates";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../../trpc/app-router";
import { createCallerFactory } from "../../trpc/init";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { setGateDefaults } from "../gates/set-gate-defaults";
import { declareIncident } from "../incidents/declare-incident";
import { setUserRole } from "../users/set-user-role";
import { browseAuditEvents } from "./list-audit-events";
import { recordAuditEvent } from "./record-audit-event";

const createCaller = createCallerFactory(appRouter);

describe("the audit history as the audit page shows it", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("names rollout, release, incident, gate-default and user targets as people know them", async () => {
    await registerDeploy(demo.services, systemActor("ci"), {
      service: "search",
      environment: "staging",
      version: "3.3.0",
      artifact: "search:3.3.0",
    });
    const admin = demo.actor("admin");
    await declareIncident(demo.services, admin, {
      title: "payments down",
      severity: "sev1",
      services: ["*"],
    });
    await setGateDefaults(demo.services, admin, { service: "search", gates: defaultGates() });
    await setGateDefaults(demo.services, admin, { gates: defaultGates() });
    const viewer = demo.actor("viewer");
    await setUserRole(demo.services, admin, { userId: viewer.id, role: "operator" });
    const { events } = await browseAuditEvents(demo.services, { limit: 200 }, { personalData: true });
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
    expect(named("incident")).toEqual(new Set(["payments down"]));
    expect(named("gate-defaults")).toEqual(new Set(["search", "every service"]));
    // A user by display name: every role reads the history, and only admins see users' emails.
    expect(named("user")).toEqual(new Set([viewer.name]));
    // A flag is named by its key already: no label.
    expect(named("flag")).toEqual(new Set([null]));
    // The stored record is unchanged: the label is beside it, not in it.
    const rollout = events.find((e) => e.targetType === "rollout");
    expect(rollout?.targetId).toMatch(/^c[a-z0-9]{20,}$/);
  });

  it("shows who signed in from where only to those who may export the history", async () => {
    await demo.database.db.$transaction((tx) =>
      recordAuditEvent(tx, {
        actor: systemActor("sign-in"),
        action: "auth.sign-in-failed",
        targetType: "user",
        targetId: "email:someone@corp.example",
        reason: "wrong credentials",
        after: { address: "10.0.0.8", email: "someone@corp.example", lockedForSeconds: 0 },
        at: demo.services.now(),
      }),
    );
    const failedSignIn = async (role: Role) => {
      const caller = createCaller({ actor: demo.actor(role), services: demo.services });
      const { events } = await caller.audit.list({ action: "auth.sign-in-failed", limit: 1 });
      return events[0];
    };
    expect(await failedSignIn("viewer")).toMatchObject({
      targetId: "email:(hidden)",
      after: { address: "(hidden)", email: "(hidden)", lockedForSeconds: 0 },
    });
    expect(await failedSignIn("auditor")).toMatchObject({
      targetId: "email:someone@corp.example",
      after: { address: "10.0.0.8", email: "someone@corp.example" },
    });
  });
});
