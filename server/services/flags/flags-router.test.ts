import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Role } from "../../auth/permissions";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../../trpc/app-router";
import { createCallerFactory } from "../../trpc/init";

const createCaller = createCallerFactory(appRouter);

const newFlag = {
  key: "payments.retry-banner",
  service: "payments",
  variants: [
    { name: "on", value: true },
    { name: "off", value: false },
  ],
  defaultVariant: "off",
  offVariant: "off",
};

describe("flags router", () => {
  let demo: DemoFixture;
  const callerFor = (actor: Actor | null) => createCaller({ actor, services: demo.services });
  const as = (role: Role) => callerFor(demo.actor(role));

  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("needs a session, and the right role for each change", async () => {
    await expect(callerFor(null).flags.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    for (const role of ["viewer", "operator", "auditor"] as const) {
      await expect(as(role).flags.create(newFlag)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await as("admin").flags.create(newFlag)).toMatchObject({ key: newFlag.key, version: 0 });
    await expect(as("viewer").flags.kill({ key: newFlag.key, reason: "nope" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(as("admin").flags.kill({ key: newFlag.key, reason: "nope" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await as("operator").flags.kill({ key: newFlag.key, reason: "drill" })).toMatchObject({
      killed: true,
    });
    expect(await as("release_manager").flags.unkill({ key: newFlag.key })).toMatchObject({ killed: false });
    await expect(as("admin").flags.archive({ key: newFlag.key })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(as("operator").flags.archive({ key: newFlag.key })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await as("viewer").flags.get({ key: newFlag.key })).toMatchObject({ lifecycle: "permanent" });
  });

  it("names the offending field of a malformed or unsound input", async () => {
    const manager = as("release_manager");
    await expect(
      manager.flags.setRules({
        key: newFlag.key,
        rules: [
          {
            name: "eu",
            conditions: [{ attribute: "country", operator: "in", values: ["DE"] }],
            serve: { variant: "maybe" },
          },
        ],
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "rules[0].serve.variant: no variant named maybe",
    });
    await expect(manager.flags.kill({ key: newFlag.key, reason: "" })).rejects.toThrow(/must say why/);
    await expect(manager.flags.get({ key: "missing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("sets rules with a segment, lists with lifecycle and debt, and archives", async () => {
    const manager = as("release_manager");
    await manager.flags.saveSegment({ key: "beta", includedKeys: ["u1"] });
    const updated = await manager.flags.setRules({
      key: newFlag.key,
      expectedVersion: 2,
      rules: [{ name: "beta", conditions: [{ segment: "beta" }], serve: { variant: "on" } }],
    });
    expect(updated).toMatchObject({ version: 3, rules: [{ name: "beta" }] });
    expect(await as("viewer").flags.segments()).toEqual([
      expect.objectContaining({ key: "beta", usedBy: [newFlag.key] }),
    ]);
    expect(await as("auditor").flags.list({ service: "payments" })).toEqual([
      expect.objectContaining({ key: newFlag.key, lifecycle: "permanent", debt: null }),
    ]);
    expect(await as("viewer").flags.debt()).toEqual([]);
    const demoFlags = ["search.semantic-ranking"];
    expect(await manager.flags.archive({ key: newFlag.key, reason: "shipped" })).toMatchObject({
      lifecycle: "archived",
    });
    expect((await as("viewer").flags.list()).map((f) => f.key)).toEqual(demoFlags);
  });
});
