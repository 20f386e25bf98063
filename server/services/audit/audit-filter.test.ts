import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../testing/test-database";
import { systemActor } from "../actors";
import type { ServiceContext } from "../context";
import { EventBus } from "../events/event-bus";
import { pageAuditEvents } from "./list-audit-events";
import { recordAuditEvent } from "./record-audit-event";

const AT = new Date("2026-11-27T10:00:00Z");
const viewer = { personalData: false };
const auditor = { personalData: true };

describe("audit filters and personal data", () => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  const actors = async (filter: { actor?: string; targetId?: string }, reader = viewer) =>
    (await pageAuditEvents(ctx, { ...filter, limit: 10 }, reader)).events.map((e) => e.actor);

  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = { db: database.db, events: new EventBus(), now: () => AT };
    const entries = [
      // An OIDC user named by their email, as upsertOidcUser names one without a name.
      { actor: { id: "u1", name: "alice@corp.example", role: "operator" as const }, targetId: "ro-1" },
      { actor: { id: "u2", name: "olga", role: "operator" as const }, targetId: "ro-1" },
      { actor: systemActor("sign-in"), targetId: "email:bob@corp.example" },
    ];
    for (const entry of entries) {
      await database.db.$transaction((tx) =>
        recordAuditEvent(tx, { ...entry, action: "test.done", targetType: "rollout", at: AT }),
      );
    }
  });
  afterAll(() => database.drop());

  it("refuses a reader without personal data a filter on an email", async () => {
    await expect(actors({ actor: "alice@corp" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      field: "actor",
    });
    await expect(actors({ targetId: "email:bob@corp.example" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      field: "targetId",
    });
    expect(await actors({ actor: "alice@corp" }, auditor)).toEqual(["operator:alice@corp.example"]);
    expect(await actors({ targetId: "email:bob@corp.example" }, auditor)).toEqual(["system:sign-in"]);
  });

  it("matches an actor holding an email only by what the reader is shown: its role and (hidden)", async () => {
    expect(await actors({ actor: "alice" })).toEqual([]);
    expect(await actors({ actor: "corp.example" })).toEqual([]);
    expect(await actors({ actor: "olga" })).toEqual(["operator:olga"]);
    expect(await actors({ actor: "OPERATOR:" })).toEqual(["operator:olga", "operator:(hidden)"]);
    expect(await actors({ actor: "operator:(hidden)" })).toEqual(["operator:(hidden)"]);
    expect(await actors({ actor: "(hidden)" })).toEqual(["operator:(hidden)"]);
    expect(await actors({ actor: "operator:(h" })).toEqual(["operator:(hidden)"]);
    expect(await actors({ actor: "alice" }, auditor)).toEqual(["operator:alice@corp.example"]);
  });
});
