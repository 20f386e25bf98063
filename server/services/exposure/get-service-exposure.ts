import { createHash } from "node:crypto";
import type { SegmentDefinition } from "../../domain/flags";
import { deriveExposure, type ExposureView } from "../../domain/rollout";
import type { ServiceContext } from "../context";
import { type ExposedFlag, getServiceFlags } from "../flags/service-flags";
import { requireServiceId } from "../require-service";
import { snapshotSelect, toSnapshot } from "../rollouts/rollout-snapshot";

export interface ServiceExposure {
  service: string;
  rollouts: {
    rolloutId: string;
    release: string;
    environment: string;
    state: string;
    appliedBy: string;
    lastKnownGoodPercent: number;
    exposure: ExposureView;
  }[];
  /** The service's unarchived flags by key; a flag rollout's exposure is its flag's percentage. */
  flags: ExposedFlag[];
  /** The segments those flags' rules name. */
  segments: SegmentDefinition[];
}

/** The exposure of a service with its strong ETag (a hash of the JSON body). */
export interface ServiceExposureDocument {
  body: ServiceExposure;
  etag: string;
}

/** Finished rollouts listed beyond each environment's newest: history, which no router needs. */
const RECENT_FINISHED = 20;

/**
 * The desired exposure a router, mesh or SDK applies for a service: one entry per rollout that has
 * exposed anything (drafts and aborted rollouts expose nothing), newest first, and the service's flags
 * with their rules and percentages, with a content ETag. Every live (running or paused) rollout is
 * listed, and each environment's last to finish, which holds its exposure now; older finished
 * ones only up to the newest 20, so a busy environment never pushes another's exposure out.
 */
export async function getServiceExposure(
  ctx: ServiceContext,
  service: string,
): Promise<ServiceExposureDocument> {
  const serviceId = await requireServiceId(ctx.db, service);
  const finished = await ctx.db.$queryRaw<{ id: string }[]>`
    (SELECT DISTINCT ON (rel."environment") r."id"
      FROM "Rollout" r JOIN "Release" rel ON rel."id" = r."releaseId"
      WHERE r."serviceId" = ${serviceId} AND r."state" IN ('completed', 'rolled_back')
      ORDER BY rel."environment", r."endedAt" DESC NULLS LAST, r."id" DESC)
    UNION
    (SELECT r."id" FROM "Rollout" r
      WHERE r."serviceId" = ${serviceId} AND r."state" IN ('completed', 'rolled_back')
      ORDER BY r."createdAt" DESC, r."id" DESC LIMIT ${RECENT_FINISHED})`;
  const rows = await ctx.db.rollout.findMany({
    where: {
      serviceId,
      OR: [{ state: { in: ["running", "paused"] } }, { id: { in: finished.map((r) => r.id) } }],
    },
    select: { ...snapshotSelect, appliedBy: true, release: { select: { version: true, environment: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  const { flags, segments } = await getServiceFlags(ctx, serviceId);
  const body: ServiceExposure = {
    service,
    rollouts: rows.map((row) => ({
      rolloutId: row.id,
      release: row.release.version,
      environment: row.release.environment,
      state: row.state,
      appliedBy: row.appliedBy,
      lastKnownGoodPercent: row.lastKnownGoodPercent,
      exposure: deriveExposure(toSnapshot(row)),
    })),
    flags,
    segments,
  };
  const etag = `"${createHash("sha256").update(JSON.stringify(body)).digest("base64url").slice(0, 27)}"`;
  return { body, etag };
}
