import { assessSlo, type SloAssessment } from "../../domain/slo";
import type { ServiceContext } from "../context";
import { loadSloCounts } from "./load-slo-counts";
import type { LongWindowSums } from "./long-window-sums";
import { type SloRow, toSloState, toSloSubject } from "./slo-row";

/**
 * An SLO's budget and alert rules now, as stored. An alert holds through an empty short window only while
 * traffic is expected there: the service has service samples (a source samples it whatever runs), or a
 * rollout is live in the environment. Otherwise the data stopped because nothing runs (a page's own kill
 * ended the last rollout), which is no outage, and the alert clears as its short window empties.
 */
export async function assessStoredSlo(
  ctx: ServiceContext,
  row: SloRow,
  now: Date,
  longSums?: LongWindowSums,
): Promise<SloAssessment> {
  const slo = toSloSubject(row);
  const counts = await loadSloCounts(ctx.db, row.serviceId, slo, now, longSums);
  const { alertSeverity } = toSloState(row);
  // Only a raised alert can hold: the live rollouts are looked up for it alone, not every SLO every beat.
  const expected =
    alertSeverity !== null &&
    (counts.serviceSampled ||
      (await ctx.db.rollout.count({
        where: {
          serviceId: row.serviceId,
          state: { in: ["running", "paused"] },
          release: { environment: row.environment },
        },
      })) > 0);
  return assessSlo(slo, counts, expected ? alertSeverity : null);
}
