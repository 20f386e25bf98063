import { AppError } from "../../domain/errors";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";

/**
 * Resolves an incident (by Sluice id or the incident tool's id), lifting its freeze. Idempotent.
 * `field` is the caller's name for the id it passed, which NOT_FOUND names (REST calls the tool's id `id`).
 */
export async function resolveIncident(
  ctx: ServiceContext,
  actor: CommandActor,
  ref: { id?: string; externalId?: string },
  { field = ref.id ? "id" : "externalId" }: { field?: string } = {},
) {
  const now = ctx.now();
  const incident = await ctx.db.$transaction(async (tx) => {
    const found = ref.id
      ? await tx.incident.findUnique({ where: { id: ref.id } })
      : ref.externalId
        ? await tx.incident.findUnique({ where: { externalId: ref.externalId } })
        : null;
    if (!found)
      throw new AppError("NOT_FOUND", `No incident ${ref.id ?? ref.externalId ?? "(no id given)"}`, field);
    // Only an open incident is resolved: of two resolutions at the same moment the second waits for the
    // first's row lock, then matches nothing and answers with the first's resolution, unaudited.
    const { count } = await tx.incident.updateMany({
      where: { id: found.id, resolvedAt: null },
      data: { resolvedAt: now, resolvedBy: actor.name },
    });
    const resolved = await tx.incident.findUniqueOrThrow({ where: { id: found.id } });
    if (count === 0) return resolved;
    await recordAuditEvent(tx, {
      actor,
      action: "incident.resolved",
      targetType: "incident",
      targetId: found.id,
      reason: found.title,
      at: now,
    });
    return resolved;
  });
  ctx.events.publish("freeze.changed", { incidentId: incident.id });
  return incident;
}
