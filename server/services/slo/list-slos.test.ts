import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../db/client";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import type { ServiceContext } from "../context";
import { evaluateSlos } from "./evaluate-slos";
import { insertTestSamples } from "./insert-test-samples";
import { listSlos } from "./list-slos";

describe("the SLOs page's list", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("shows slo-watch's last judgement without summing any samples, and judges an SLO not judged yet", async () => {
    let sums = 0;
    const counting: ServiceContext = {
      ...demo.services,
      db: new Proxy(demo.database.db, {
        get(target, prop, receiver) {
          // Each SLO's windows are summed in one raw query.
          if (prop === "$queryRaw") sums++;
          return Reflect.get(target, prop, receiver);
        },
      }),
    };
    const slos = await demo.database.db.slo.count();
    const now = demo.services.now().getTime();
    await insertTestSamples(demo.database.db, demo.rollouts.search as string, [
      { at: now - 60_000, requests: 1_000, errors: 10 },
    ]);
    // Nothing judged yet: each SLO is assessed for the page.
    const live = await listSlos(counting);
    expect(sums).toBe(slos);
    const judged = await evaluateSlos(demo.services, { all: true });
    const searchAvailability = judged.find(
      (e) => e.slo.service === "search" && e.slo.name === "availability",
    );
    expect(searchAvailability?.budget).toMatchObject({ total: 1_000, bad: 10 });

    // A later sample changes nothing on the page until slo-watch judges again.
    await insertTestSamples(demo.database.db, demo.rollouts.search as string, [
      { at: now - 30_000, requests: 1_000, errors: 10 },
    ]);
    sums = 0;
    const shown = await listSlos(counting);
    expect(sums).toBe(0);
    const row = shown.find((s) => s.service === "search" && s.name === "availability");
    // As judged (1 000 requests, not 2 000); JSON keeps doubles to 15 significant digits.
    expect(row).toMatchObject({ budget: { total: 1_000, bad: 10, exhausted: false }, assessedAt: now });
    expect(row?.budget?.allowedBad).toBeCloseTo(searchAvailability?.budget.allowedBad ?? Number.NaN, 9);
    expect(row?.burnRates).toEqual(searchAvailability?.alert.rules);
    expect(live.map((s) => s.id)).toEqual(shown.map((s) => s.id));
  });

  it("lists an SLO it cannot judge now as not judged, and every other SLO as usual", async () => {
    await demo.database.db.slo.updateMany({ data: { assessment: Prisma.DbNull, assessedAt: null } });
    let failed = false;
    const failingOnce: ServiceContext = {
      ...demo.services,
      db: new Proxy(demo.database.db, {
        get(target, prop, receiver) {
          if (prop === "$queryRaw" && !failed) {
            failed = true;
            return () => Promise.reject(new Error("canceling statement due to statement timeout"));
          }
          return Reflect.get(target, prop, receiver);
        },
      }),
    };
    const errors: unknown[] = [];
    const listed = await listSlos(failingOnce, {}, (error) => errors.push(error));
    expect(errors).toHaveLength(1);
    expect(listed).toHaveLength(await demo.database.db.slo.count());
    const unjudged = listed.filter((slo) => slo.budget === null);
    expect(unjudged).toHaveLength(1);
    expect(unjudged[0]).toMatchObject({ burnRates: [], assessedAt: null });
    expect(listed.filter((slo) => slo.budget !== null && slo.assessedAt !== null)).toHaveLength(
      listed.length - 1,
    );
  });
});
