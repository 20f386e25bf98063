import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineSlo } from "../services/slo/define-slo";
import { insertTestSamples } from "../services/slo/insert-test-samples";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { startSloWatch } from "./slo-watch";

describe("slo-watch", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("judges every SLO on each beat and stops cleanly", async () => {
    const id = demo.rollouts.search as string;
    await defineSlo(demo.services, demo.actor("release_manager"), {
      service: "search",
      environment: "production",
      name: "availability",
      kind: "availability",
      objective: 0.999,
    });
    const now = demo.services.now().getTime();
    // 5% errors over the last hour: burn rate 50 against a 0.1% budget.
    await insertTestSamples(
      demo.database.db,
      id,
      Array.from({ length: 60 }, (_, k) => ({ at: now - k * 60_000, requests: 1_000, errors: 50 })),
    );
    const errors: unknown[] = [];
    const watch = startSloWatch(demo.services, { intervalMs: 60_000, onError: (e) => errors.push(e) });
    try {
      await watch.beat();
      await watch.beat();
    } finally {
      await watch.stop();
      await watch.stop();
    }
    expect(errors).toEqual([]);
    expect(await demo.database.db.rollout.findUniqueOrThrow({ where: { id } })).toMatchObject({
      state: "rolled_back",
    });
    const rollbacks = await demo.database.db.auditEvent.count({
      where: { targetId: id, action: "rollout.rolled-back", actor: "system:slo-watch" },
    });
    expect(rollbacks).toBe(1);
  });
});
