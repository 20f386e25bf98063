import { randomBytes } from "node:crypto";
import { hashPassword } from "../server/auth/password";
import type { Role } from "../server/auth/permissions";
import { ROLES } from "../server/auth/permissions";
import type { Db } from "../server/db/client";
import { asJson } from "../server/db/json";
import { defaultGates } from "../server/domain/analysis/default-gates";
import {
  blueGreenPlan,
  decide,
  defaultCanaryPlan,
  type Mechanism,
  newRolloutDraft,
  type PlanStep,
  type RolloutEvent,
  type RolloutSnapshot,
} from "../server/domain/rollout";
import { systemActor } from "../server/services/actors";
import { recordAuditEvent } from "../server/services/audit/record-audit-event";
import { linkRolloutFlag } from "../server/services/flags/link-rollout-flag";
import { snapshotColumns } from "../server/services/rollouts/rollout-snapshot";

export interface DemoCredential {
  email: string;
  password: string;
  role: Role;
}

const HOLD_SECONDS = 300;

interface DemoRollout {
  service: string;
  version: string;
  mechanism: Mechanism;
  tags: string[];
  steps: PlanStep[];
  /** How many steps have already passed (-1: still a draft). */
  passedSteps: number;
}

function demoRollouts(): DemoRollout[] {
  const gates = defaultGates();
  const canary = defaultCanaryPlan({ gates, holdSeconds: HOLD_SECONDS });
  const ring = (name: string, exposurePercent: number, members: string[]): PlanStep => ({
    exposurePercent,
    holdSeconds: HOLD_SECONDS,
    requiresApproval: exposurePercent === 100,
    gates,
    ring: { name, members: members.map((id) => ({ kind: "segment", id })) },
  });
  return [
    {
      service: "checkout-api",
      version: "2.14.0",
      mechanism: "canary",
      tags: ["payment"],
      steps: canary,
      passedSteps: 1,
    },
    { service: "search", version: "3.2.0", mechanism: "flag", tags: [], steps: canary, passedSteps: 2 },
    {
      service: "payments",
      version: "7.1.0",
      mechanism: "ring",
      tags: ["payment"],
      steps: [
        ring("internal", 2, ["staff"]),
        ring("early", 20, ["beta-testers", "eu-west"]),
        ring("broad", 100, ["everyone"]),
      ],
      passedSteps: 0,
    },
    {
      service: "profile",
      version: "4.0.0",
      mechanism: "blue-green",
      tags: [],
      steps: blueGreenPlan({ gates, preCutoverHoldSeconds: HOLD_SECONDS, holdSeconds: HOLD_SECONDS }),
      passedSteps: -1,
    },
  ];
}

/**
 * Drives a new draft through the real state machine to where the demo wants it, so the seeded history
 * is what Sluice would have recorded.
 */
function replay(
  draft: RolloutSnapshot,
  passedSteps: number,
  end: number,
): { snapshot: RolloutSnapshot; events: RolloutEvent[] } {
  const actor = { id: "system:seed", role: "system" as const };
  let snapshot = draft;
  const events: RolloutEvent[] = [];
  const apply = (command: Parameters<typeof decide>[1], now: number) => {
    const decision = decide(snapshot, command, { now, freeze: null, actor });
    snapshot = decision.next;
    events.push(...decision.events);
  };
  if (passedSteps < 0) return { snapshot, events };
  let now = end - (passedSteps * HOLD_SECONDS + 60) * 1000;
  apply({ type: "start" }, now);
  for (let step = 0; step < passedSteps; step++) {
    now = snapshot.holdUntil ?? now;
    apply({ type: "gates-passed", stepIndex: step }, now);
    apply({ type: "advance" }, now);
  }
  return { snapshot, events };
}

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
  const actor = systemActor("seed");
  await db.$transaction(
    async (tx) => {
      await tx.user.createMany({ data: users });
      for (const demo of demoRollouts()) {
        const service = await tx.service.create({ data: { name: demo.service, demo: true } });
        // The simulator serves 0.5% errors and ~1.1% of requests over 250 ms: both SLOs burn at ~0.5×.
        await tx.slo.createMany({
          data: [
            {
              serviceId: service.id,
              environment: "production",
              name: "availability",
              kind: "availability",
              objective: 0.99,
              windowDays: 30,
            },
            {
              serviceId: service.id,
              environment: "production",
              name: "latency-250ms",
              kind: "latency",
              objective: 0.98,
              windowDays: 30,
              latencyThresholdMs: 250,
            },
          ],
        });
        const release = await tx.release.create({
          data: {
            serviceId: service.id,
            environment: "production",
            version: demo.version,
            artifact: `registry.local/${demo.service}:${demo.version}`,
          },
        });
        const rollout = await tx.rollout.create({
          data: {
            serviceId: service.id,
            releaseId: release.id,
            mechanism: demo.mechanism,
            steps: asJson(demo.steps),
            tags: demo.tags,
            candidateColour: demo.mechanism === "blue-green" ? "green" : null,
            state: "draft",
          },
        });
        if (demo.mechanism === "flag") {
          await linkRolloutFlag(
            tx,
            actor,
            {
              rolloutId: rollout.id,
              serviceId: service.id,
              service: demo.service,
              version: demo.version,
              steps: demo.steps,
              flagKey: "search.semantic-ranking",
            },
            new Date(options.now.getTime() - 3_600_000),
          );
        }
        const draft = newRolloutDraft({
          ...demo,
          id: rollout.id,
          serviceId: demo.service,
          environment: release.environment,
        });
        const { snapshot, events } = replay(draft, demo.passedSteps, options.now.getTime());
        await tx.rollout.update({ where: { id: rollout.id }, data: snapshotColumns(snapshot) });
        for (const event of [{ type: "rollout.created", at: options.now.getTime() - 3_600_000 }, ...events]) {
          await recordAuditEvent(tx, {
            actor,
            action: event.type,
            targetType: "rollout",
            targetId: rollout.id,
            reason: "demo data",
            after: asJson(event),
            at: new Date(event.at),
          });
        }
      }
      // One transaction of ~100 statements: Prisma's default 5 s expired on a loaded 2-core machine.
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
  return credentials;
}
