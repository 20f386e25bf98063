import { defaultGates } from "../../domain/analysis/default-gates";
import { nameFor, type PersonalDataReader } from "../../domain/audit";
import type { ServiceContext } from "../context";
import { gateDefaultsSelect, toGateDefaultsView } from "./gate-defaults-row";

/** The global set (stored, or the code defaults when none is), every per-service override, and the code defaults. */
export async function listGateDefaults(ctx: ServiceContext, reader: PersonalDataReader) {
  const rows = await ctx.db.gateDefaults.findMany({
    select: gateDefaultsSelect,
    orderBy: { service: { name: "asc" } },
  });
  // Every role reads these (the rollout form): who changed them is shown as in the audit history.
  const views = rows
    .map(toGateDefaultsView)
    .map((view) => ({ ...view, updatedBy: nameFor(reader, view.updatedBy) }));
  const global = views.find((v) => v.service === null) ?? null;
  return {
    global: global ?? { service: null, gates: defaultGates(), updatedBy: null, updatedAt: null },
    globalStored: global !== null,
    overrides: views.filter((v) => v.service !== null),
    codeDefaults: defaultGates(),
  };
}
