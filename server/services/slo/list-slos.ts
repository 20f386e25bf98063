import type { SloAssessment } from "../../domain/slo";
import { eachLimited } from "../../each-limited";
import type { ServiceContext } from "../context";
import { assessStoredSlo } from "./assess-stored-slo";
import { sloSelect, toSloState, toSloSubject } from "./slo-row";

/**
 * How long an SLO's assessment serves the SLOs page: every open page refetches every 30 s, and summing
 * an SLO's windows reads its whole window of samples, so this instance does it at most once per SLO in
 * that time whatever the number of viewers. A changed alert state (slo-watch's) is assessed afresh.
 */
const FRESH_MS = 15_000;
const recent = new Map<string, { at: number; alerting: string | null; assessment: SloAssessment }>();

/**
 * Every SLO (or one service's) by service, environment and name: its remembered alert and freeze state
 * (what slo-watch acted on), and its budget and burn rates now, read as slo-watch reads them.
 */
export async function listSlos(ctx: ServiceContext, filter: { service?: string } = {}) {
  const now = ctx.now();
  const rows = await ctx.db.slo.findMany({
    where: filter.service ? { service: { name: filter.service } } : {},
    select: sloSelect,
    orderBy: [{ service: { name: "asc" } }, { environment: "asc" }, { name: "asc" }],
  });
  const assessments = new Map<string, SloAssessment>();
  await eachLimited(rows, 4, async (row) => {
    const cached = recent.get(row.id);
    const fresh =
      cached && cached.alerting === row.alertSeverity && Math.abs(now.getTime() - cached.at) < FRESH_MS;
    const assessment = fresh ? cached.assessment : await assessStoredSlo(ctx, row, now);
    if (!fresh) recent.set(row.id, { at: now.getTime(), alerting: row.alertSeverity, assessment });
    assessments.set(row.id, assessment);
  });
  return rows.map((row) => {
    const { alert, budget } = assessments.get(row.id) as SloAssessment;
    return { ...toSloSubject(row), ...toSloState(row), budget, burnRates: alert.rules };
  });
}
