import { describe, expect, it } from "vitest";
import { canaryDraft, T0 } from "./rollout-fixtures";
import { advanceSchemaPhase, contractAllowedAt, type SchemaChange } from "./schema-change";

const BAKE = 3600;
const completed = canaryDraft({
  state: "completed",
  currentStep: 4,
  exposurePercent: 100,
  lastKnownGoodPercent: 100,
  stepStartedAt: T0,
});

describe("advanceSchemaPhase", () => {
  const expand: SchemaChange = { phase: "expand", bakeSeconds: BAKE, phaseEnteredAt: T0 };

  it("goes expand → migrate freely", () => {
    expect(advanceSchemaPhase(expand, canaryDraft(), T0 + 1)).toEqual({
      ...expand,
      phase: "migrate",
      phaseEnteredAt: T0 + 1,
    });
  });

  it("refuses contract until the rollout has completed at 100% and baked", () => {
    const migrate: SchemaChange = { ...expand, phase: "migrate" };
    expect(() =>
      advanceSchemaPhase(migrate, canaryDraft({ state: "running", exposurePercent: 50 }), T0),
    ).toThrow(/contract is refused until rollout r1 has completed at 100% \(it is running at 50%\)/);
    expect(() => advanceSchemaPhase(migrate, completed, T0 + BAKE * 1000 - 1)).toThrow(
      /stable at 100% for 3600s \(1s left\)/,
    );
    expect(advanceSchemaPhase(migrate, completed, T0 + BAKE * 1000).phase).toBe("contract");
    expect(contractAllowedAt(completed, BAKE)).toBe(T0 + BAKE * 1000);
  });

  it("has nothing after contract", () => {
    expect(() => advanceSchemaPhase({ ...expand, phase: "contract" }, completed, T0)).toThrow(/last phase/);
  });
});
