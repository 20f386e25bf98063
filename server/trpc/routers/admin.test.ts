import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../app-router";
import { createCallerFactory } from "../init";

const createCaller = createCallerFactory(appRouter);

describe("admin router", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());
  const as = (role: Parameters<DemoFixture["actor"]>[0]) =>
    createCaller({ actor: demo.actor(role), services: demo.services });

  it("changes a role, audited, and refuses an admin's self-demotion", async () => {
    const viewer = demo.actor("viewer");
    expect(await as("admin").admin.setRole({ userId: viewer.id, role: "operator" })).toMatchObject({
      role: "operator",
      changed: true,
    });
    const audit = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: viewer.id, action: "user.role-changed" },
    });
    expect(audit).toMatchObject({ before: { role: "viewer" }, after: { role: "operator" } });
    await expect(
      as("admin").admin.setRole({ userId: demo.actor("admin").id, role: "viewer" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("cannot demote themselves"),
    });
    const users = await as("admin").admin.users();
    expect(users.find((u) => u.id === viewer.id)).toMatchObject({ role: "operator" });
    expect(users[0]).not.toHaveProperty("passwordHash");
  });

  it("leaves an admin when two admins demote each other at once", async () => {
    const second = await demo.database.db.user.create({
      data: { email: "second-admin@sluice.local", name: "second admin", role: "admin", passwordHash: "x" },
      select: { id: true, name: true, role: true },
    });
    const first = demo.actor("admin");
    const results = await Promise.allSettled([
      createCaller({ actor: first, services: demo.services }).admin.setRole({
        userId: second.id,
        role: "viewer",
      }),
      createCaller({ actor: { ...second, role: "admin" }, services: demo.services }).admin.setRole({
        userId: first.id,
        role: "viewer",
      }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "FORBIDDEN" } });
    expect(await demo.database.db.user.count({ where: { role: "admin" } })).toBe(1);
    // Put the demo's admin back for the tests after this one.
    await demo.database.db.user.update({ where: { id: first.id }, data: { role: "admin" } });
  });
});
