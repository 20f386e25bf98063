import { seedDemo } from "../../prisma/seed-demo";
import type { Actor, Role } from "../auth/permissions";
import type { ServiceContext } from "../services/context";
import { EventBus } from "../services/events/event-bus";
import { createTestDatabase, type TestDatabase } from "./test-database";

export interface DemoFixture {
  database: TestDatabase;
  services: ServiceContext;
  /** Rollout id of each demo service. */
  rollouts: Record<string, string>;
  actor(role: Role): Actor;
  /** Moves the fixture's clock forward. */
  advanceClock(ms: number): void;
}

/** A fresh database with the demo seeded, services over it, and a fixed clock the test can move. */
export async function createDemoFixture(start = new Date("2026-11-27T10:00:00Z")): Promise<DemoFixture> {
  let now = start;
  const database = await createTestDatabase();
  await seedDemo(database.db, { now, password: "test-password" });
  const users = await database.db.user.findMany({ select: { id: true, name: true, role: true } });
  const rows = await database.db.rollout.findMany({
    select: { id: true, service: { select: { name: true } } },
  });
  return {
    database,
    services: { db: database.db, events: new EventBus(), now: () => now },
    advanceClock(ms) {
      now = new Date(now.getTime() + ms);
    },
    rollouts: Object.fromEntries(rows.map((r) => [r.service.name, r.id])),
    actor(role) {
      const user = users.find((u) => u.role === role);
      if (!user) throw new Error(`no demo user with role ${role}`);
      return user;
    },
  };
}
