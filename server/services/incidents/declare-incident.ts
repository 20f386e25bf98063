import type { Prisma } from "../../db/client";
import { againIfTwinWon } from "../../db/database-errors";
import { AppError } from "../../domain/errors";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";

export interface IncidentInput {
  /** The incident tool's id; repeating a declaration with it updates the same incident. */
  externalId?: string;
  /** Omitted: a repeat keeps the incident's title; a first declaration is titled by its external id. */
  title?: string;
  severity: string;
  /** Service names, or ["*"] for all. */
  services: string[];
}

type Incident = Prisma.IncidentModel;

/**
 * Declares an incident, which freezes progressive delivery for its services at once (start, advance,
 * approve and resume are refused; pause and kill are not). Idempotent per external id, even for
 * two declarations at the same moment: repeating an active incident's declaration with another title,
 * severity or services updates it ("incident.updated"); an identical repeat changes nothing.
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
  const { incident, changed } = await againIfTwinWon(() =>
    ctx.db.$transaction(async (tx): Promise<{ incident: Incident; changed: boolean }> => {
      const existing = input.externalId ? await findLocked(tx, input.externalId) : null;
      if (existing && existing.resolvedAt === null) return updateActive(tx, actor, existing, input, now);
      const fields = {
        title: input.title ?? existing?.title ?? `incident ${input.externalId ?? "(no id)"}`,
        severity: input.severity,
        services: input.services,
      };
      const saved = existing
        ? await tx.incident.update({
            where: { id: existing.id },
            data: { ...fields, resolvedAt: null, resolvedBy: null, declaredAt: now, declaredBy: actor.name },
          })
        : await tx.incident.create({
            data: { ...fields, externalId: input.externalId, declaredBy: actor.name, declaredAt: now },
          });
      await recordAuditEvent(tx, {
        actor,
        action: "incident.declared",
        targetType: "incident",
        targetId: saved.id,
        reason: saved.title,
        after: { severity: saved.severity, services: saved.services, externalId: saved.externalId },
        at: now,
      });
      return { incident: saved, changed: true };
    }),
  );
  if (changed) ctx.events.publish("freeze.changed", { incidentId: incident.id });
  return incident;
}

/**
 * The incident with this external id, its row locked until the transaction ends: two repeats at the
 * same moment then apply one after the other, and the second sees (and compares with) the first.
 */
async function findLocked(tx: Prisma.TransactionClient, externalId: string): Promise<Incident | null> {
  await tx.$queryRaw`SELECT id FROM "Incident" WHERE "externalId" = ${externalId} FOR UPDATE`;
  return tx.incident.findUnique({ where: { externalId } });
}

/** A repeat of an active incident: what it changes is applied and audited; nothing changed, nothing written. */
async function updateActive(
  tx: Prisma.TransactionClient,
  actor: CommandActor,
  existing: Incident,
  input: IncidentInput,
  now: Date,
): Promise<{ incident: Incident; changed: boolean }> {
  const title = input.title ?? existing.title;
  // Services are a set: the same names in another order freeze the same services.
  const sameServices =
    new Set(input.services).size === new Set(existing.services).size &&
    input.services.every((name) => existing.services.includes(name));
  if (title === existing.title && input.severity === existing.severity && sameServices)
    return { incident: existing, changed: false };
  const services = sameServices ? existing.services : input.services;
  const incident = await tx.incident.update({
    where: { id: existing.id },
    data: { title, severity: input.severity, services },
  });
  await recordAuditEvent(tx, {
    actor,
    action: "incident.updated",
    targetType: "incident",
    targetId: existing.id,
    reason: title,
    before: { title: existing.title, severity: existing.severity, services: existing.services },
    after: { title, severity: input.severity, services, externalId: existing.externalId },
    at: now,
  });
  return { incident, changed: true };
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
