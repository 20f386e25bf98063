import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { AppError } from "../../domain/errors";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../app-router";
import { createCallerFactory } from "../init";

const createCaller = createCallerFactory(appRouter);
const SECRET = "s3cret-hmac-key-do-not-show";
const SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXtokenXXXX";

/** The field a refusal names, whether zod (the boundary) or a service refused it. */
async function refusedField(call: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  try {
    await call;
  } catch (error) {
    const { code, cause } = error as { code: string; cause: unknown };
    const field =
      cause instanceof ZodError
        ? cause.issues[0]?.path.join(".")
        : cause instanceof AppError
          ? cause.field
          : undefined;
    return { code, field };
  }
  throw new Error("expected the call to be refused");
}

describe("notifications router", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());
  const admin = () => createCaller({ actor: demo.actor("admin"), services: demo.services }).notifications;

  it("adds, changes and removes channels, audited, never showing a secret or a URL's path", async () => {
    const generic = await admin().createChannel({
      name: "pager-bridge",
      kind: "generic",
      url: "https://hooks.example.com/sluice?token=abc123",
      events: ["auto-rollback", "kill"],
      secret: SECRET,
    });
    const slack = await admin().createChannel({
      name: "#deploys",
      kind: "slack",
      url: SLACK_URL,
      events: ["freeze", "approval-needed"],
    });
    expect(generic).toMatchObject({ urlPreview: "https://hooks.example.com/…", signed: true, enabled: true });
    expect(slack).toMatchObject({ kind: "slack", urlPreview: "https://hooks.slack.com/…", signed: false });

    await admin().updateChannel({ id: generic.id, enabled: false, secret: null, events: ["kill"] });
    const listed = await admin().channels();
    expect(listed.map((c) => [c.name, c.enabled, c.signed, c.events])).toEqual([
      ["#deploys", true, false, ["freeze", "approval-needed"]],
      ["pager-bridge", false, false, ["kill"]],
    ]);
    await admin().deleteChannel({ id: slack.id });
    expect((await admin().channels()).map((c) => c.name)).toEqual(["pager-bridge"]);

    const audit = await demo.database.db.auditEvent.findMany({
      where: { targetType: "notification-channel" },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "notification-channel.created",
      "notification-channel.created",
      "notification-channel.updated",
      "notification-channel.deleted",
    ]);
    expect(audit[2]?.after).toMatchObject({
      enabled: false,
      signed: false,
      secretChanged: true,
      urlChanged: false,
    });
    const shown = JSON.stringify([listed, audit.map((a) => [a.before, a.after])]);
    for (const hidden of [SECRET, "abc123", "XXXXtokenXXXX"]) expect(shown).not.toContain(hidden);
  });

  it("refuses bad input naming the field", async () => {
    const base = {
      name: "hook",
      kind: "generic" as const,
      url: "https://ok.example/hook",
      events: ["kill" as const],
    };
    expect(await refusedField(admin().createChannel({ ...base, url: "ftp://files.example/hook" }))).toEqual({
      code: "BAD_REQUEST",
      field: "url",
    });
    expect(await refusedField(admin().createChannel({ ...base, url: "javascript:alert(1)" }))).toEqual({
      code: "BAD_REQUEST",
      field: "url",
    });
    expect(
      await refusedField(admin().createChannel({ ...base, url: "https://user:pw@ok.example/" })),
    ).toEqual({
      code: "BAD_REQUEST",
      field: "url",
    });
    expect(await refusedField(admin().createChannel({ ...base, events: [] }))).toEqual({
      code: "BAD_REQUEST",
      field: "events",
    });
    expect(
      await refusedField(admin().createChannel({ ...base, events: ["deploy-finished" as "kill"] })),
    ).toEqual({ code: "BAD_REQUEST", field: "events.0" });
    expect(await refusedField(admin().createChannel({ ...base, secret: "short" }))).toEqual({
      code: "BAD_REQUEST",
      field: "secret",
    });
    expect(await refusedField(admin().createChannel({ ...base, kind: "slack", secret: SECRET }))).toEqual({
      code: "BAD_REQUEST",
      field: "secret",
    });
    await admin().createChannel(base);
    expect(await refusedField(admin().createChannel(base))).toEqual({ code: "CONFLICT", field: "name" });
    expect(await refusedField(admin().updateChannel({ id: "no-such-channel", enabled: true }))).toEqual({
      code: "NOT_FOUND",
      field: "id",
    });
  });
});
