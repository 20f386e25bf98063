import type { SloAssessment } from "../../domain/slo";
import { eachLimited } from "../../each-limited";
import type { ServiceContext } from "../context";
import { assessStoredSlo } from "./assess-stored-slo";
import { sloSelect, toSloState, toSloSubject } from "./slo-row";

/**
 * Every SLO (or one service's) by service, environment and name: its alert and freeze state, and its
 * budget and burn rates as slo-watch last judged them (every ~30 s, stored with the SLO), so a page read
 * sums no samples however many watch it. An SLO not judged yet is assessed now; if that fails, it is
 * listed as not judged (budget null) rather than failing the page for every other SLO.
 */
export async function listSlos(
  ctx: ServiceContext,
  filter: { service?: string } = {},
  onError: (error: unknown) => void = (error) => console.error("SLO assessment for the list failed", error),
) {
  const now = ctx.now();
  const rows = await ctx.db.slo.findMany({
    where: filter.service ? { service: { name: filter.service } } : {},
    select: { ...sloSelect, assessment: true, assessedAt: true },
    orderBy: [{ service: { name: "asc" } }, { environment: "asc" }, { name: "asc" }],
  });
  const assessments = new Map<string, { assessment: SloAssessment; at: Date }>();
  await eachLimited(rows, 4, async (row) => {
    const stored = row.assessment as unknown as SloAssessment | null;
    if (stored && row.assessedAt) {
      assessments.set(row.id, { assessment: stored, at: row.assessedAt });
      return;
    }
    const assessed = await assessStoredSlo(ctx, row, now).catch((error: unknown) => {
      onError(error);
      return null;
    });
    if (assessed) assessments.set(row.id, { assessment: assessed, at: now });
  });
  return rows.map((row) => {
    const judged = assessments.get(row.id);
    return {
      ...toSloSubject(row),
      ...toSloState(row),
      budget: judged?.assessment.budget ?? null,
      burnRates: judged?.assessment.alert.rules ?? [],
      assessedAt: judged?.at.getTime() ?? null,
    };
  });
}
