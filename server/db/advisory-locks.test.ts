import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLeadership } from "../scheduler/leadership";
import { systemActor } from "../services/actors";
import { recordAuditEvent } from "../services/audit/record-audit-event";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { ADVISORY_LOCKS } from "./advisory-locks";

describe("advisory locks", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("gives every use its own key", () => {
    const keys = Object.values(ADVISORY_LOCKS);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("lets audit events be appended while a leader holds its lock", async () => {
    let elected = false;
    const leadership = startLeadership({
      databaseUrl: database.url,
      log: () => {},
      retryMs: 100,
      onElected: async () => {
        elected = true;
        return async () => {};
      },
    });
    try {
      for (let i = 0; i < 50 && !elected; i++) await new Promise((r) => setTimeout(r, 50));
      expect(elected).toBe(true);
      const appended = database.db.$transaction((tx) =>
        recordAuditEvent(tx, {
          actor: systemActor("test"),
          action: "test.appended",
          targetType: "service",
          targetId: "s",
          at: new Date(),
        }),
      );
      const timeout = new Promise<"blocked">((resolve) => setTimeout(() => resolve("blocked"), 3_000));
      expect(await Promise.race([appended.then(() => "appended"), timeout])).toBe("appended");
    } finally {
      await leadership.stop();
    }
  });
});
