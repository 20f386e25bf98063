import { againIfTwinWon } from "../../db/database-errors";
import { AppError } from "../../domain/errors";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";

export interface IncidentInput {
  /** The incident tool's id; repeating a declaration with it updates the same incident. */
  externalId?: string;
  title: string;
  severity: string;
  /** Service names, or ["*"] for all. */
  services: string[];
}

/**
 * Declares an incident, which freezes progressive delivery for its services at once (start, advance,
 * approve and resume are refused; pause and kill are not). Idempotent per external id, even for
 * two declarations at the same moment.
 */
export async function declareIncident(
  ctx: ServiceContext,
  actor: CommandActor,
  input: IncidentInput,
  options: { knownServicesOnly?: boolean } = {},
) {
  if (input.services.length === 0)
    throw new AppError("BAD_INPUT", "services: name at least one service or *", "services");
  if (options.knownServicesOnly) await requireKnownServices(ctx, input.services);
  const now = ctx.now();
  const incident = await againIfTwinWon(() =>
    ctx.db.$transaction(async (tx) => {
      const existing = input.externalId
        ? await tx.incident.findUnique({ where: { externalId: input.externalId } })
        : null;
      if (existing && existing.resolvedAt === null) return existing;
      const saved = existing
        ? await tx.incident.update({
            where: { id: existing.id },
            data: { ...input, resolvedAt: null, resolvedBy: null, declaredAt: now, declaredBy: actor.name },
          })
        : await tx.incident.create({ data: { ...input, declaredBy: actor.name, declaredAt: now } });
      await recordAuditEvent(tx, {
        actor,
        action: "incident.declared",
        targetType: "incident",
        targetId: saved.id,
        reason: saved.title,
        after: { severity: saved.severity, services: saved.services, externalId: saved.externalId },
        at: now,
      });
      return saved;
    }),
  );
  ctx.events.publish("freeze.changed", { incidentId: incident.id });
  return incident;
}

/**
 * For a person typing names: a misspelt service would declare an incident that freezes nothing. An
 * incident tool (the API) may name services Sluice does not know; those freeze nothing, by definition.
 */
async function requireKnownServices(ctx: ServiceContext, names: readonly string[]): Promise<void> {
  const named = names.filter((name) => name !== "*");
  const known = new Set(
    (await ctx.db.service.findMany({ where: { name: { in: named } }, select: { name: true } })).map(
      (s) => s.name,
    ),
  );
  const unknown = names.findIndex((name) => name !== "*" && !known.has(name));
  if (unknown >= 0) {
    const field = `services[${unknown}]`;
    throw new AppError(
      "BAD_INPUT",
      `${field}: no service named ${names[unknown]}; name one Sluice knows, or *`,
      field,
    );
  }
}
