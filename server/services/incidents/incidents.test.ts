import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { declareIncident } from "./declare-incident";
import { listIncidents } from "./list-incidents";
import { resolveIncident } from "./resolve-incident";

describe("declaring and resolving incidents", () => {
  let demo: DemoFixture;
  const pager = systemActor("pager");
  const db = () => demo.database.db;
  const audit = (externalId: string) =>
    db()
      .incident.findUniqueOrThrow({ where: { externalId } })
      .then(({ id }) =>
        db().auditEvent.findMany({
          where: { targetId: id },
          orderBy: { id: "asc" },
          select: { action: true, before: true, after: true, reason: true },
        }),
      );
  const frozen = async () => (await loadFreezeState(db())).incidents.flatMap((i) => i.services);

  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("updates an active incident that a repeat widens, and audits the change", async () => {
    const first = { externalId: "INC-1", title: "search slow", severity: "sev2", services: ["search"] };
    const declared = await declareIncident(demo.services, pager, first);
    const changes: unknown[] = [];
    const stop = demo.services.events.subscribe("freeze.changed", (e) => changes.push(e));
    try {
      const worse = { ...first, title: "worse", severity: "sev1", services: ["search", "payments"] };
      const updated = await declareIncident(demo.services, pager, worse);
      expect(updated).toMatchObject({ id: declared.id, ...worse, resolvedAt: null });
      expect(updated.declaredAt).toEqual(declared.declaredAt);
      expect(await frozen()).toEqual(["search", "payments"]);
      expect(changes).toEqual([{ incidentId: declared.id }]);
      expect(await audit("INC-1")).toEqual([
        expect.objectContaining({ action: "incident.declared" }),
        {
          action: "incident.updated",
          reason: "worse",
          before: { title: "search slow", severity: "sev2", services: ["search"] },
          after: { title: "worse", severity: "sev1", services: ["search", "payments"], externalId: "INC-1" },
        },
      ]);
    } finally {
      stop();
    }
  });

  it("changes nothing for an identical repeat, the services in any order or the title left out", async () => {
    const incident = { externalId: "INC-2", title: "db failover", severity: "sev1", services: ["a", "b"] };
    await declareIncident(demo.services, pager, incident);
    const before = await db().incident.findUniqueOrThrow({ where: { externalId: "INC-2" } });
    const changes: unknown[] = [];
    const stop = demo.services.events.subscribe("freeze.changed", (e) => changes.push(e));
    try {
      await declareIncident(demo.services, pager, incident);
      await declareIncident(demo.services, pager, { ...incident, services: ["b", "a"] });
      const { title: _, ...untitled } = incident;
      expect(await declareIncident(demo.services, pager, untitled)).toEqual(before);
    } finally {
      stop();
    }
    expect(changes).toEqual([]);
    expect((await audit("INC-2")).map((e) => e.action)).toEqual(["incident.declared"]);
    expect(await db().incident.findUniqueOrThrow({ where: { externalId: "INC-2" } })).toEqual(before);
  });

  it("applies simultaneous identical updates once", async () => {
    const incident = { externalId: "INC-3", title: "queue backlog", severity: "sev3", services: ["q"] };
    await declareIncident(demo.services, pager, incident);
    const worse = { ...incident, severity: "sev1" };
    await Promise.all(Array.from({ length: 4 }, () => declareIncident(demo.services, pager, worse)));
    expect((await audit("INC-3")).map((e) => e.action)).toEqual(["incident.declared", "incident.updated"]);
  });

  it("records one resolution of simultaneous ones, and answers every caller with it", async () => {
    const incident = { externalId: "INC-4", title: "db down", severity: "sev1", services: ["*"] };
    await declareIncident(demo.services, pager, incident);
    const resolvers = ["pager-a", "pager-b", "pager-c"].map((name) => systemActor(name));
    const answers = await Promise.all(
      resolvers.map((actor) => resolveIncident(demo.services, actor, { externalId: "INC-4" })),
    );
    const row = await db().incident.findUniqueOrThrow({ where: { externalId: "INC-4" } });
    expect(answers).toEqual(resolvers.map(() => row));
    expect((await audit("INC-4")).map((e) => e.action)).toEqual(["incident.declared", "incident.resolved"]);
  });

  it("refuses to resolve an unknown incident naming the caller's field, changing nothing", async () => {
    const before = { incidents: await db().incident.count(), audit: await db().auditEvent.count() };
    const byId = resolveIncident(demo.services, pager, { id: "nope" });
    await expect(byId).rejects.toMatchObject({ code: "NOT_FOUND", field: "id", message: "No incident nope" });
    const byExternalId = resolveIncident(demo.services, pager, { externalId: "INC-404" });
    await expect(byExternalId).rejects.toMatchObject({ code: "NOT_FOUND", field: "externalId" });
    const named = resolveIncident(demo.services, pager, { externalId: "INC-404" }, { field: "id" });
    await expect(named).rejects.toMatchObject({
      code: "NOT_FOUND",
      field: "id",
      message: "No incident INC-404",
    });
    expect({ incidents: await db().incident.count(), audit: await db().auditEvent.count() }).toEqual(before);
  });

  it("lists who declared and resolved an incident with an email in their name hidden from readers without personal data", async () => {
    const named = { ...demo.actor("operator"), name: "olga@corp.example" };
    const incident = await declareIncident(demo.services, named, {
      title: "disk full",
      severity: "sev3",
      services: ["search"],
    });
    await resolveIncident(demo.services, named, { id: incident.id });
    const seen = async (personalData: boolean) =>
      (await listIncidents(demo.services, { personalData })).find((i) => i.id === incident.id);
    expect(await seen(false)).toMatchObject({
      declaredBy: "(hidden)",
      resolvedBy: "(hidden)",
      title: "disk full",
    });
    expect(await seen(true)).toMatchObject({
      declaredBy: "olga@corp.example",
      resolvedBy: "olga@corp.example",
    });
  });
});
