import { againIfTwinWon } from "../../db/database-errors";
import { AppError } from "../../domain/errors";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";

export interface DeployInput {
  service: string;
  environment: string;
  version: string;
  artifact: string;
}

/**
 * Records that an artifact reached an environment. A deploy exposes nothing: the release has no
 * rollout yet. Registering the same deploy again (even at the same moment) returns the first record and
 * changes nothing; the same version with another artifact is a CONFLICT naming `artifact`.
 */
export async function registerDeploy(ctx: ServiceContext, actor: CommandActor, input: DeployInput) {
  const now = ctx.now();
  return againIfTwinWon(() =>
    ctx.db.$transaction(async (tx) => {
      const service = await tx.service.upsert({
        where: { name: input.service },
        create: { name: input.service },
        update: {},
        select: { id: true },
      });
      const key = { serviceId: service.id, environment: input.environment, version: input.version };
      const existing = await tx.release.findUnique({ where: { serviceId_environment_version: key } });
      if (existing && existing.artifact !== input.artifact) {
        // Two builds claiming one version: answering with the first would hide which one is deployed.
        throw new AppError(
          "CONFLICT",
          `artifact: ${input.service} ${input.version} in ${input.environment} is already registered as ${existing.artifact}`,
          "artifact",
        );
      }
      if (existing) return { release: existing, created: false };
      const release = await tx.release.create({
        data: { ...key, artifact: input.artifact, deployedAt: now },
      });
      await recordAuditEvent(tx, {
        actor,
        action: "release.deployed",
        targetType: "release",
        targetId: release.id,
        after: { ...input, exposurePercent: 0 },
        at: now,
      });
      return { release, created: true };
    }),
  );
}
