import { createHash } from "node:crypto";
import { AppError } from "../../domain/errors";
import { deriveExposure, type ExposureView } from "../../domain/rollout";
import type { ServiceContext } from "../context";
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
}

/**
 * The desired exposure a router, mesh or SDK applies for a service: one entry per rollout that has
 * exposed anything (drafts and aborted rollouts expose nothing), newest first, with a content ETag.
 */
export async function getServiceExposure(ctx: ServiceContext, service: string) {
  const known = await ctx.db.service.findUnique({ where: { name: service }, select: { id: true } });
  if (!known) throw new AppError("NOT_FOUND", `No service named ${service}`, "service");
  const rows = await ctx.db.rollout.findMany({
    where: { serviceId: known.id, state: { in: ["running", "paused", "completed", "rolled_back"] } },
    select: { ...snapshotSelect, appliedBy: true, release: { select: { version: true, environment: true } } },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
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
  };
  const etag = `"${createHash("sha256").update(JSON.stringify(body)).digest("base64url").slice(0, 27)}"`;
  return { body, etag };
}
