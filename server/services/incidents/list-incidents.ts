import { nameFor, type PersonalDataReader } from "../../domain/audit";
import type { ServiceContext } from "../context";

/** Active incidents first, then the most recent resolved ones (the freeze history). */
export async function listIncidents(ctx: ServiceContext, reader: PersonalDataReader, limit = 50) {
  const incidents = await ctx.db.incident.findMany({
    orderBy: [{ resolvedAt: { sort: "desc", nulls: "first" } }, { declaredAt: "desc" }],
    take: limit,
  });
  return incidents.map((incident) => incidentFor(reader, incident));
}

/** An incident as this reader may see it: an email in who declared or resolved it hidden, as in the audit history. */
export function incidentFor<I extends { declaredBy: string; resolvedBy: string | null }>(
  reader: PersonalDataReader,
  incident: I,
): I {
  return {
    ...incident,
    declaredBy: nameFor(reader, incident.declaredBy),
    resolvedBy: nameFor(reader, incident.resolvedBy),
  };
}
