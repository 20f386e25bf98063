import type { SloAssessment } from "../../domain/slo";
import { eachLimited } from "../../each-limited";
import type { ServiceContext } from "../context";
import { assessStoredSlo } from "./assess-stored-slo";
import { sloSelect, toSloState, toSloSubject } from "./slo-row";

/**
 * Every SLO (or one service's) by service, environment and name: its alert and freeze state, and its
 * budget and burn rates as slo-watch last judged them (every ~30 s, stored with the SLO), so a page read
 * sums no samples however many watch it. An SLO not judged yet is assessed now.
 */
export async function listSlos(ctx: ServiceContext, filter: { service?: string } = {}) {
  const now = ctx.now();
  const rows = await ctx.db.slo.findMany({
    where: filter.service ? { service: { name: filter.service } } : {},
    select: { ...sloSelect, assessment: true, assessedAt: true },
    orderBy: [{ service: { name: "asc" } }, { environment: "asc" }, { name: "asc" }],
  });
  const assessments = new Map<string, { assessment: SloAssessment; at: Date }>();
  await eachLimited(rows, 4, async (row) => {
    const stored = row.assessment as unknown as SloAssessment | null;
    assessments.set(
      row.id,
      stored && row.assessedAt
        ? { assessment: stored, at: row.assessedAt }
        : { assessment: await assessStoredSlo(ctx, row, now), at: now },
    );
  });
  return rows.map((row) => {
    const { assessment, at } = assessments.get(row.id) as { assessment: SloAssessment; at: Date };
    return {
      ...toSloSubject(row),
      ...toSloState(row),
      budget: assessment.budget,
      burnRates: assessment.alert.rules,
      assessedAt: at.getTime(),
    };
  });
}
