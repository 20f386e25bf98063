import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import type { ServiceContext } from "../context";
import { listSlos } from "./list-slos";

describe("the SLOs page's list", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("sums an SLO's windows at most once in 15 s however many viewers ask", async () => {
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
    expect(slos).toBeGreaterThan(0);
    const first = await listSlos(counting);
    expect(sums).toBe(slos);
    expect(await listSlos(counting)).toEqual(first);
    expect(sums).toBe(slos);
    demo.advanceClock(15_000);
    await listSlos(counting);
    expect(sums).toBe(2 * slos);
  });
});
