import type { Db, Prisma } from "../../db/client";
import { AppError } from "../../domain/errors";
import type { RolloutState } from "../../domain/rollout";
import { requireServiceId } from "../require-service";
import { type RolloutView, rolloutViewSelect } from "./rollout-view";

export interface RolloutListFilter {
  /** A service's name. */
  service?: string;
  environment?: string;
  /** Any of these states. */
  states?: readonly RolloutState[];
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface RolloutPage {
  rollouts: RolloutView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/**
 * Rollouts matching the filter, newest first, a page at a time (the API's list; the overview shows only
 * what is active or ended lately). A cursor is a position in (createdAt, id), not an offset: rollouts
 * created while a client pages neither shift nor repeat the pages it has yet to read.
 */
export async function pageRollouts(
  ctx: { db: Pick<Db, "rollout" | "service"> },
  filter: RolloutListFilter,
): Promise<RolloutPage> {
  const where: Prisma.RolloutWhereInput = {
    ...(filter.service ? { service: { name: filter.service } } : {}),
    ...(filter.environment ? { release: { environment: filter.environment } } : {}),
    ...(filter.states ? { state: { in: [...filter.states] } } : {}),
  };
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  const rows = await ctx.db.rollout.findMany({
    where: after ? { AND: [where, olderThan(after)] } : where,
    select: rolloutViewSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.limit + 1,
  });
  if (rows.length === 0 && filter.service) await requireServiceId(ctx.db, filter.service);
  const rollouts = rows.slice(0, filter.limit);
  const last = rollouts.at(-1);
  return { rollouts, nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
}

interface Position {
  createdAt: Date;
  id: string;
}

function olderThan({ createdAt, id }: Position): Prisma.RolloutWhereInput {
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/** Opaque to clients: they pass back what they were given. */
function encodeCursor({ createdAt, id }: Position): string {
  return Buffer.from(`${createdAt.getTime()}:${id}`).toString("base64url");
}

function decodeCursor(cursor: string): Position {
  const found = /^(\d{1,16}):([\w-]{1,64})$/.exec(Buffer.from(cursor, "base64url").toString());
  const createdAt = new Date(Number(found?.[1]));
  if (!found?.[2] || Number.isNaN(createdAt.getTime()))
    throw new AppError("BAD_INPUT", "cursor: pass the nextCursor of the previous page as it came", "cursor");
  return { createdAt, id: found[2] };
}
