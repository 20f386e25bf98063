import { randomBytes } from "node:crypto";
import { hashPassword } from "../server/auth/password";
import type { Role } from "../server/auth/permissions";
import { ROLES } from "../server/auth/permissions";
import type { Db } from "../server/db/client";
import { asJson } from "../server/db/json";
import { defaultGates } from "../server/domain/analysis/default-gates";
import { recordAuditEvent } from "../server/services/audit/record-audit-event";

export interface DemoCredential {
  email: string;
  password: string;
  role: Role;
}

const HOLD_SECONDS = 300;
const CANARY_RAMP = [1, 5, 25, 50, 100];

/**
 * Fills an empty database with a live demo: one user per role and four rollouts, one per mechanism, in
 * different states. Passwords are random unless `password` is given (tests), and only their hashes are
 * stored. Returns the credentials so the caller can show them once.
 */
export async function seedDemo(db: Db, options: { now: Date; password?: string }): Promise<DemoCredential[]> {
  const credentials = ROLES.map((role) => ({
    email: `${role.replace("_", "-")}@sluice.local`,
    password: options.password ?? randomBytes(9).toString("base64url"),
    role,
  }));
  const users = await Promise.all(
    credentials.map(async (c) => ({
      email: c.email,
      name: c.role.replace("_", " "),
      role: c.role,
      passwordHash: await hashPassword(c.password),
    })),
  );
  const steps = (percents: number[]) =>
    percents.map((exposurePercent) => ({
      exposurePercent,
      holdSeconds: HOLD_SECONDS,
      requiresApproval: false,
      gates: defaultGates(),
    }));
  const now = options.now.getTime();
  const demo = [
    {
      service: "checkout-api",
      version: "2.14.0",
      mechanism: "canary",
      percents: CANARY_RAMP,
      step: 1,
      state: "running",
      phase: "holding",
    },
    {
      service: "search",
      version: "3.2.0",
      mechanism: "flag",
      percents: CANARY_RAMP,
      step: 2,
      state: "running",
      phase: "holding",
    },
    {
      service: "payments",
      version: "7.1.0",
      mechanism: "ring",
      percents: [2, 20, 100],
      step: 0,
      state: "running",
      phase: "holding",
    },
    {
      service: "profile",
      version: "4.0.0",
      mechanism: "blue-green",
      percents: [0, 100],
      step: -1,
      state: "draft",
      phase: null,
    },
  ] as const;

  await db.$transaction(async (tx) => {
    await tx.user.createMany({ data: users });
    for (const d of demo) {
      const service = await tx.service.create({ data: { name: d.service } });
      const release = await tx.release.create({
        data: {
          serviceId: service.id,
          environment: "production",
          version: d.version,
          artifact: `registry.local/${d.service}:${d.version}`,
        },
      });
      const plan = steps([...d.percents]);
      const exposure = d.step >= 0 ? (plan[d.step]?.exposurePercent ?? 0) : 0;
      const lastKnownGood = d.step > 0 ? (plan[d.step - 1]?.exposurePercent ?? 0) : 0;
      const rollout = await tx.rollout.create({
        data: {
          serviceId: service.id,
          releaseId: release.id,
          mechanism: d.mechanism,
          steps: asJson(plan),
          currentStep: d.step,
          state: d.state,
          phase: d.phase,
          exposurePercent: exposure,
          lastKnownGoodPercent: lastKnownGood,
          stepStartedAt: d.step >= 0 ? new Date(now - 60_000) : null,
          holdUntil: d.step >= 0 ? new Date(now - 60_000 + HOLD_SECONDS * 1000) : null,
        },
      });
      await recordAuditEvent(tx, {
        actor: "system",
        action: "rollout.seeded",
        targetType: "rollout",
        targetId: rollout.id,
        reason: "demo data",
        after: { state: d.state, currentStep: d.step, exposurePercent: exposure },
        at: options.now,
      });
    }
  });
  return credentials;
}
