import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../auth/permissions";
import type { GateConfig } from "../../domain/analysis/gate-config";
import type { PlanStep } from "../../domain/rollout";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../../trpc/app-router";
import { createCallerFactory } from "../../trpc/init";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { createRollout } from "../rollouts/create-rollout";

const createCaller = createCallerFactory(appRouter);

const errorRate = (minSamples: number): GateConfig => ({
  name: "error-rate",
  metric: "error-rate",
  badDirection: "higher",
  minRelativeChange: 0.5,
  minAbsoluteChange: 0.001,
  minSamples,
  critical: true,
});
const conversion: GateConfig = {
  name: "checkout-conversion",
  metric: "conversion",
  badDirection: "lower",
  minRelativeChange: 0.1,
  minAbsoluteChange: 0.01,
  minSamples: 40,
  critical: false,
};

describe("gate defaults", () => {
  let demo: DemoFixture;
  let version = 0;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  const as = (role: Role) => createCaller({ actor: demo.actor(role), services: demo.services });

  /** Deploys a fresh version of the service and creates a rollout of it; returns its stored plan. */
  async function newRollout(service: string, steps?: Omit<PlanStep, "gates">[]): Promise<PlanStep[]> {
    version += 1;
    const release = { service, environment: "prod", version: `1.0.${version}` };
    await registerDeploy(demo.services, systemActor("ci"), { ...release, artifact: `${service}:${version}` });
    const { id } = await createRollout(demo.services, demo.actor("release_manager"), {
      ...release,
      mechanism: "canary",
      steps,
    });
    return (await demo.database.db.rollout.findUniqueOrThrow({ where: { id }, select: { steps: true } }))
      .steps as unknown as PlanStep[];
  }
  const gatesOf = (plan: PlanStep[]) => plan.map((step) => step.gates);
  const auditOf = (action: string) =>
    demo.database.db.auditEvent.findMany({
      where: { action },
      orderBy: { id: "asc" },
      select: { actor: true, targetId: true, before: true, after: true },
    });

  it("falls back to the code defaults while nothing is stored", async () => {
    const listed = await as("viewer").admin.gateDefaults();
    expect(listed.globalStored).toBe(false);
    expect(listed.overrides).toEqual([]);
    const plan = await newRollout("ledger");
    expect(plan).toHaveLength(5);
    // The code's error-rate gate: 25% relative, 0.07 percentage points absolute, 50 requests.
    expect(plan[0]?.gates.find((g) => g.metric === "error-rate")).toMatchObject({
      minRelativeChange: 0.25,
      minAbsoluteChange: 0.0007,
      minSamples: 50,
    });
    expect(plan[0]?.gates.map((g) => g.name)).toEqual([
      "error-rate",
      "latency-p95",
      "latency-p99",
      "latency-shift",
      "conversion",
    ]);
  });

  it("lets only an admin store them, audited before and after; rollouts already created keep theirs", async () => {
    await expect(
      as("release_manager").admin.setGateDefaults({ gates: [errorRate(10)] }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await as("admin").admin.gateDefaults()).globalStored).toBe(false);

    expect(await as("admin").admin.setGateDefaults({ gates: [errorRate(100)] })).toMatchObject({
      service: null,
      changed: true,
    });
    const first = await newRollout("ledger");
    expect(gatesOf(first)).toEqual(first.map(() => [errorRate(100)]));

    await as("admin").admin.setGateDefaults({ gates: [errorRate(200), conversion] });
    // Storing the same set again is no change and records nothing.
    expect(await as("admin").admin.setGateDefaults({ gates: [errorRate(200), conversion] })).toMatchObject({
      changed: false,
    });
    const listed = await as("operator").admin.gateDefaults();
    expect(listed).toMatchObject({ globalStored: true, global: { gates: [errorRate(200), conversion] } });
    expect(listed.global.updatedBy).toBe(demo.actor("admin").name);

    const admin = `admin:${demo.actor("admin").name}`;
    expect(await auditOf("gate-defaults.set")).toEqual([
      { actor: admin, targetId: "global", before: null, after: { gates: [errorRate(100)] } },
    ]);
    expect(await auditOf("gate-defaults.changed")).toEqual([
      {
        actor: admin,
        targetId: "global",
        before: { gates: [errorRate(100)] },
        after: { gates: [errorRate(200), conversion] },
      },
    ]);

    // The rollout created before the edit still has the gates it was created with.
    const reread = await demo.database.db.rollout.findMany({
      where: { service: { name: "ledger" }, release: { version: `1.0.${version}` } },
      select: { steps: true },
    });
    expect(gatesOf(reread[0]?.steps as unknown as PlanStep[])).toEqual(first.map(() => [errorRate(100)]));
    expect(gatesOf(await newRollout("ledger"))).toEqual(first.map(() => [errorRate(200), conversion]));
  });

  it("fills only the steps that name no gates; a step's own gates stay", async () => {
    const own = { ...errorRate(7), name: "own-error-rate" };
    const plan = await newRollout("ledger", [
      { exposurePercent: 10, holdSeconds: 60, requiresApproval: false },
      { exposurePercent: 100, holdSeconds: 60, requiresApproval: false, gates: [own] } as PlanStep,
    ]);
    expect(gatesOf(plan)).toEqual([[errorRate(200), conversion], [own]]);
  });

  it("uses a service's override before the global set, and falls back when it is cleared", async () => {
    await expect(
      as("admin").admin.setGateDefaults({ service: "no-such-service", gates: [conversion] }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", cause: { field: "service" } });
    await as("admin").admin.setGateDefaults({ service: "ledger", gates: [conversion] });
    expect(gatesOf(await newRollout("ledger"))[0]).toEqual([conversion]);
    await registerDeploy(demo.services, systemActor("ci"), {
      service: "billing",
      environment: "prod",
      version: "0.0.1",
      artifact: "billing:0",
    });
    expect(gatesOf(await newRollout("billing"))[0]).toEqual([errorRate(200), conversion]);
    expect((await as("auditor").admin.gateDefaults()).overrides).toMatchObject([
      { service: "ledger", gates: [conversion] },
    ]);

    await expect(as("operator").admin.clearGateDefaults({ service: "ledger" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await as("admin").admin.clearGateDefaults({ service: "ledger" })).toEqual({ cleared: true });
    expect(gatesOf(await newRollout("ledger"))[0]).toEqual([errorRate(200), conversion]);
    expect(await as("admin").admin.clearGateDefaults({})).toEqual({ cleared: true });
    expect(gatesOf(await newRollout("ledger"))[0]?.map((g) => g.name)).toContain("latency-shift");
    expect(await as("admin").admin.clearGateDefaults({})).toEqual({ cleared: false });

    const cleared = await auditOf("gate-defaults.cleared");
    expect(cleared.map((e) => [e.targetId === "global", e.before])).toEqual([
      [false, { gates: [conversion] }],
      [true, { gates: [errorRate(200), conversion] }],
    ]);
  });

  it.each([
    ["a sample size below 1", [{ ...errorRate(0) }], ["gates", 0, "minSamples"]],
    ["a fractional sample size", [{ ...errorRate(2.5) }], ["gates", 0, "minSamples"]],
    [
      "a negative relative margin",
      [{ ...conversion, minRelativeChange: -0.1 }],
      ["gates", 0, "minRelativeChange"],
    ],
    [
      "a proportion margin above 1",
      [{ ...conversion, minAbsoluteChange: 3 }],
      ["gates", 0, "minAbsoluteChange"],
    ],
    [
      "a percentile judged for speed-ups",
      [{ ...errorRate(50), name: "p95", metric: "latency-p95", badDirection: "lower" }],
      ["gates", 0, "badDirection"],
    ],
    ["an unknown metric", [{ ...errorRate(50), metric: "cpu" }], ["gates", 0, "metric"]],
    ["a missing critical flag", [{ ...errorRate(50), critical: undefined }], ["gates", 0, "critical"]],
    ["an unknown field", [{ ...errorRate(50), threshold: 3 }], ["gates", 0]],
    ["a name used twice", [errorRate(50), errorRate(60)], ["gates", 1, "name"]],
    ["no gates at all", [], ["gates"]],
  ])("refuses %s, naming the field, and stores nothing", async (_case, gates, path) => {
    const before = await demo.database.db.gateDefaults.count();
    const error = await as("admin")
      .admin.setGateDefaults({ gates: gates as GateConfig[] })
      .then(
        () => null,
        (e: { code: string; cause?: { issues?: { path: unknown[] }[] } }) => e,
      );
    expect(error?.code).toBe("BAD_REQUEST");
    expect(error?.cause?.issues?.[0]?.path).toEqual(path);
    expect(await demo.database.db.gateDefaults.count()).toBe(before);
  });

  it("shows who last changed the defaults with an email in their name hidden from readers without personal data", async () => {
    const named = { ...demo.actor("admin"), name: "ada@corp.example" };
    await createCaller({ actor: named, services: demo.services }).admin.setGateDefaults({
      gates: [errorRate(300)],
    });
    expect((await as("viewer").admin.gateDefaults()).global.updatedBy).toBe("(hidden)");
    expect((await as("auditor").admin.gateDefaults()).global.updatedBy).toBe("ada@corp.example");
  });
});
