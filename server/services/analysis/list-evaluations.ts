import type { GateVerdict } from "../../domain/analysis";
import type { ServiceContext } from "../context";

export interface EvaluationView {
  stepIndex: number;
  intervalEnd: number;
  decision: string;
  reason: string;
  gates: GateVerdict[];
}

/** The rollout's most recent gate judgements, newest first: the verdict feed. */
export async function listEvaluations(
  ctx: ServiceContext,
  rolloutId: string,
  limit = 30,
): Promise<EvaluationView[]> {
  const rows = await ctx.db.stepEvaluation.findMany({
    where: { rolloutId },
    orderBy: { id: "desc" },
    take: limit,
    select: { stepIndex: true, intervalEnd: true, decision: true, reason: true, gates: true },
  });
  return rows.map((row) => ({
    ...row,
    intervalEnd: row.intervalEnd.getTime(),
    gates: row.gates as unknown as GateVerdict[],
  }));
}
