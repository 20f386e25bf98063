import type { ServiceContext } from "../context";

type Target = { targetType: string; targetId: string };

const keyOf = (t: Target) => `${t.targetType}:${t.targetId}`;
const releaseName = (r: { service: { name: string }; version: string; environment: string }) =>
  `${r.service.name} ${r.version} in ${r.environment}`;

/**
 * What people call the targets of some audit events: a rollout or a release as "checkout-api 2.14.0 in
 * production", a service (or its gate defaults) by its name, an incident by its title, a user by display
 * name (not email: every role reads the history). Looked up when the history is shown, so they are no
 * part of the hashed record or its exports; a target since renamed shows its name of today.
 */
export async function auditTargetLabels(
  ctx: ServiceContext,
  events: readonly Target[],
): Promise<(target: Target) => string | null> {
  const ids = (...types: string[]) => [
    ...new Set(events.filter((e) => types.includes(e.targetType)).map((e) => e.targetId)),
  ];
  const service = { select: { name: true } };
  const [rollouts, releases, services, users, incidents] = await Promise.all([
    ctx.db.rollout.findMany({
      where: { id: { in: ids("rollout") } },
      select: { id: true, release: { select: { version: true, environment: true, service } } },
    }),
    ctx.db.release.findMany({
      where: { id: { in: ids("release") } },
      select: { id: true, version: true, environment: true, service },
    }),
    ctx.db.service.findMany({
      where: { id: { in: ids("service", "gate-defaults") } },
      select: { id: true, name: true },
    }),
    ctx.db.user.findMany({ where: { id: { in: ids("user") } }, select: { id: true, name: true } }),
    ctx.db.incident.findMany({ where: { id: { in: ids("incident") } }, select: { id: true, title: true } }),
  ]);
  const labels = new Map<string, string>([
    ...rollouts.map((r) => [`rollout:${r.id}`, releaseName(r.release)] as const),
    ...releases.map((r) => [`release:${r.id}`, releaseName(r)] as const),
    ...services.flatMap((s) => [
      [`service:${s.id}`, s.name] as const,
      [`gate-defaults:${s.id}`, s.name] as const,
    ]),
    ["gate-defaults:global", "every service"],
    ["service:*", "every service"], // a kill of all rollouts
    ...users.map((u) => [`user:${u.id}`, u.name] as const),
    ...incidents.map((i) => [`incident:${i.id}`, i.title] as const),
  ]);
  return (target) => labels.get(keyOf(target)) ?? null;
}
