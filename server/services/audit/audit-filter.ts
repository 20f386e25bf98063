import { z } from "zod";
import { ROLES } from "../../auth/permissions";
import type { Prisma } from "../../db/client";
import { HIDDEN, type PersonalDataReader } from "../../domain/audit";
import { AppError } from "../../domain/errors";
import { text } from "../../validation/text";
import { timeBound } from "../../validation/time-bound";
import type { ServiceContext } from "../context";

/** Absent or non-empty: an empty filter (`?service=` from an unset variable) is refused, not read as "all". */
const optionalText = (max: number) => text(max).optional();

/** The largest id PostgreSQL's bigint holds. */
const MAX_EVENT_ID = 9_223_372_036_854_775_807n;

/** A page's `nextCursor`: the id of the last event it held. */
export const auditCursorSchema = z
  .string()
  .regex(/^\d{1,19}$/, { error: "must be an event id", abort: true })
  .refine((id) => BigInt(id) <= MAX_EVENT_ID, "must be an event id");

/** What an auditor narrows the history to. Every field is optional; together they must all match. */
export const auditFilterSchema = z
  .object({
    service: optionalText(200).describe(
      "A service's name: its own events and those of its rollouts, releases and flags",
    ),
    rolloutId: optionalText(64),
    targetType: optionalText(50),
    targetId: optionalText(200),
    actor: optionalText(200).describe("Part of the actor, e.g. `auditor` or `operator:alice`"),
    action: optionalText(100).describe("An action or its prefix, e.g. `rollout.` or `rollout.paused`"),
    from: timeBound("from").optional(),
    to: timeBound("to").optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "must not be before from" });

export interface AuditFilter {
  service?: string;
  rolloutId?: string;
  targetType?: string;
  targetId?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

// The schema's output must stay assignable to the filter the services take.
const _schemaFitsFilter: (f: z.output<typeof auditFilterSchema>) => AuditFilter = (f) => f;

/**
 * The filter as a Prisma where clause; a service is resolved to the targets that belong to it. For a
 * reader without personal data the filter must not find what the events show hidden, or it would
 * confirm an email: such filters are refused, and `actor` matches only what the reader is shown.
 */
export async function auditWhere(
  ctx: ServiceContext,
  filter: AuditFilter,
  reader: PersonalDataReader,
): Promise<Prisma.AuditEventWhereInput> {
  if (!reader.personalData) refuseEmailFilters(filter);
  const and: Prisma.AuditEventWhereInput[] = [];
  if (filter.service) {
    const service = await ctx.db.service.findUnique({
      where: { name: filter.service },
      select: {
        id: true,
        rollouts: { select: { id: true } },
        releases: { select: { id: true } },
        flags: { select: { key: true } },
      },
    });
    if (!service) throw new AppError("NOT_FOUND", `No service named ${filter.service}`, "service");
    const flagKeys = service.flags.map((f) => f.key);
    and.push({
      OR: [
        { targetType: "service", targetId: { in: [service.id, filter.service] } },
        { targetType: "rollout", targetId: { in: service.rollouts.map((r) => r.id) } },
        { targetType: "release", targetId: { in: service.releases.map((r) => r.id) } },
        { targetType: "flag", targetId: { in: flagKeys } },
      ],
    });
  }
  if (filter.rolloutId) and.push({ targetType: "rollout", targetId: filter.rolloutId });
  if (filter.targetType) and.push({ targetType: filter.targetType });
  if (filter.targetId) and.push({ targetId: filter.targetId });
  if (filter.actor) and.push(actorWhere(filter.actor, reader));
  if (filter.action) and.push({ action: { startsWith: filter.action } });
  if (filter.from || filter.to) and.push({ at: { gte: filter.from, lte: filter.to } });
  return { AND: and };
}

function refuseEmailFilters(filter: AuditFilter): void {
  const refuse = (field: string) => {
    throw new AppError("FORBIDDEN", `Filtering ${field} on an email needs audit:personal-data`, field);
  };
  if (filter.actor?.includes("@")) refuse("actor");
  if (filter.targetId?.startsWith("email:")) refuse("targetId");
}

/** Who an actor's role can be: `role:name` is how events name them. */
const ACTOR_ROLES = [...ROLES, "system"];

function actorWhere(actor: string, reader: PersonalDataReader): Prisma.AuditEventWhereInput {
  const contains: Prisma.AuditEventWhereInput = { actor: { contains: actor, mode: "insensitive" } };
  if (reader.personalData) return contains;
  // An actor holding an email reads `operator:(hidden)` here, and matches by that text alone, else a
  // letter-by-letter filter ("operator:a", "operator:al", ...) would spell the hidden email out.
  const roles = ACTOR_ROLES.filter((role) => `${role}:${HIDDEN}`.includes(actor.toLowerCase()));
  const withEmail: Prisma.AuditEventWhereInput = { actor: { contains: "@" } };
  const shown: Prisma.AuditEventWhereInput = { AND: [contains, { NOT: withEmail }] };
  if (roles.length === 0) return shown; // (an empty OR would match everything)
  return {
    OR: [shown, { AND: [withEmail, { OR: roles.map((role) => ({ actor: { startsWith: `${role}:` } })) }] }],
  };
}
