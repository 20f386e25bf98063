import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../auth/permissions";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../../trpc/app-router";
import { createCallerFactory } from "../../trpc/init";
import type { ServiceContext } from "../context";
import { authenticateToken } from "./authenticate-token";
import { createApiToken } from "./create-api-token";
import { listApiTokens } from "./list-api-tokens";
import { revokeApiToken } from "./revoke-api-token";
import { hashTokenSecret } from "./token-secret";

const createCaller = createCallerFactory(appRouter);

describe("API tokens", () => {
  let demo: DemoFixture;
  let clock = new Date("2026-11-27T10:00:00Z");
  let ctx: ServiceContext;
  const admin = () => demo.actor("admin");
  const bearer = (secret: string) => `Bearer ${secret}`;

  beforeAll(async () => {
    demo = await createDemoFixture(clock);
    ctx = { ...demo.services, now: () => clock };
  });
  afterAll(() => demo.database.drop());

  it("shows the secret once and keeps only its sha256", async () => {
    const { token, secret } = await createApiToken(ctx, admin(), {
      name: " ci deployer ",
      scopes: ["rollouts:write", "read", "read"],
    });
    expect(secret).toMatch(/^slc_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({
      name: "ci deployer",
      scopes: ["rollouts:write", "read"],
      lastUsedAt: null,
    });
    expect(JSON.stringify(token)).not.toContain(secret);
    const row = await demo.database.db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.secretHash).toBe(hashTokenSecret(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(4));
    const listed = await listApiTokens(ctx);
    expect(JSON.stringify(listed)).not.toContain(row.secretHash);
    expect(listed.find((t) => t.id === token.id)).not.toHaveProperty("secretHash");
    const audit = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetType: "token", targetId: token.id },
    });
    expect(audit).toMatchObject({ action: "token.created", actor: "admin:admin" });
    expect(JSON.stringify([audit.before, audit.after, audit.reason])).not.toContain(secret);
  });

  it("refuses unknown scopes, no scopes and an expiry in the past", async () => {
    await expect(createApiToken(ctx, admin(), { name: "x", scopes: ["root"] })).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "scopes",
    });
    await expect(createApiToken(ctx, admin(), { name: "x", scopes: [] })).rejects.toMatchObject({
      field: "scopes",
    });
    await expect(
      createApiToken(ctx, admin(), { name: "x", scopes: ["read"], expiresAt: new Date(clock.getTime() - 1) }),
    ).rejects.toMatchObject({ field: "expiresAt" });
  });

  it("authenticates a live token and records its use at most once a minute", async () => {
    const { token, secret } = await createApiToken(ctx, admin(), { name: "reader", scopes: ["read"] });
    expect(await authenticateToken(ctx, bearer(secret))).toEqual({
      id: token.id,
      name: "reader",
      scopes: ["read"],
    });
    const lastUsed = async () =>
      (await demo.database.db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt;
    expect(await lastUsed()).toEqual(clock);
    const firstUse = clock;
    clock = new Date(clock.getTime() + 30_000);
    await authenticateToken(ctx, bearer(secret));
    expect(await lastUsed()).toEqual(firstUse);
    clock = new Date(clock.getTime() + 31_000);
    await authenticateToken(ctx, bearer(secret));
    expect(await lastUsed()).toEqual(clock);
  });

  it("answers null for missing, malformed, unknown, revoked and expired tokens", async () => {
    expect(await authenticateToken(ctx, undefined)).toBeNull();
    expect(await authenticateToken(ctx, "Basic abc")).toBeNull();
    expect(await authenticateToken(ctx, "Bearer not-ours")).toBeNull();
    expect(await authenticateToken(ctx, "Bearer slc_unknown")).toBeNull();

    const revoked = await createApiToken(ctx, admin(), { name: "r", scopes: ["read"] });
    await revokeApiToken(ctx, admin(), revoked.token.id);
    expect(await authenticateToken(ctx, bearer(revoked.secret))).toBeNull();

    const expiring = await createApiToken(ctx, admin(), {
      name: "e",
      scopes: ["read"],
      expiresAt: new Date(clock.getTime() + 60_000),
    });
    expect(await authenticateToken(ctx, bearer(expiring.secret))).not.toBeNull();
    clock = new Date(clock.getTime() + 60_000);
    expect(await authenticateToken(ctx, bearer(expiring.secret))).toBeNull();
  });

  it("revokes idempotently, auditing the first revocation only", async () => {
    const { token } = await createApiToken(ctx, admin(), { name: "twice", scopes: ["read"] });
    const first = await revokeApiToken(ctx, admin(), token.id);
    const second = await revokeApiToken(ctx, admin(), token.id);
    expect(first.revokedAt).toEqual(clock);
    expect(second.revokedAt).toEqual(first.revokedAt);
    const revocations = await demo.database.db.auditEvent.count({
      where: { targetId: token.id, action: "token.revoked" },
    });
    expect(revocations).toBe(1);
    await expect(revokeApiToken(ctx, admin(), "missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("tokens router", () => {
  let demo: DemoFixture;
  const callerFor = (actor: Actor | null) => createCaller({ actor, services: demo.services });

  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("lets an admin create, list and revoke tokens, and nobody else", async () => {
    const admin = callerFor(demo.actor("admin"));
    const created = await admin.tokens.create({ name: "incident tool", scopes: ["incidents:write"] });
    expect(created.secret).toMatch(/^slc_/);
    expect(await admin.tokens.list()).toEqual([expect.objectContaining({ id: created.token.id })]);
    expect(await admin.tokens.revoke({ id: created.token.id })).toMatchObject({
      revokedAt: expect.any(Date),
    });

    for (const role of ["viewer", "operator", "release_manager", "auditor"] as const) {
      await expect(callerFor(demo.actor(role)).tokens.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        callerFor(demo.actor(role)).tokens.create({ name: "x", scopes: ["read"] }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(callerFor(null).tokens.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(admin.tokens.create({ name: "x", scopes: ["root" as "read"] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
