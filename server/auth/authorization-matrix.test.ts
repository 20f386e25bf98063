import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "../api/api-routes";
import { API_PREFIX } from "../api/openapi";
import { sessionCookie } from "../http/http-test-server";
import { SOCKET_EVENT_PERMISSIONS } from "../realtime/socket-server";
import { createApiToken } from "../services/tokens/create-api-token";
import { TOKEN_SCOPES, type TokenScope } from "../services/tokens/token-scopes";
import type { DemoFixture } from "../testing/demo-fixture";
import { useDemoServer } from "../testing/demo-server";
import { appRouter } from "../trpc/app-router";
import { createCallerFactory } from "../trpc/init";
import { type Actor, ROLES, type Role } from "./permissions";

/**
 * The authorization matrix: every tRPC procedure, REST route and socket event against every role (or
 * token scope) and nobody, called the way an attacker would. The tables below are the expected policy,
 * written out by hand rather than derived from PERMISSIONS, so widening a permission shows up here too.
 * A procedure, route or event without an entry fails the test: decide who may call it first.
 */
const ALL: readonly Role[] = ROLES;
const O = "operator",
  R = "release_manager",
  A = "auditor",
  D = "admin";

const TRPC_POLICY: Record<string, readonly Role[]> = {
  "audit.list": ALL,
  "audit.verify": ALL,
  "audit.export": [A, D],
  "flags.list": ALL,
  "flags.get": ALL,
  "flags.debt": ALL,
  "flags.segments": ALL,
  "flags.create": [R, D],
  "flags.update": [R, D],
  "flags.setRules": [R, D],
  "flags.saveSegment": [R, D],
  "flags.kill": [O, R],
  "flags.unkill": [O, R],
  "flags.archive": [R],
  "incidents.list": ALL,
  "incidents.freeze": ALL,
  "incidents.freezeHistory": ALL,
  "incidents.declare": [O, R],
  "incidents.resolve": [O, R],
  "notifications.channels": [D],
  "notifications.deliveries": [D],
  "notifications.createChannel": [D],
  "notifications.updateChannel": [D],
  "notifications.deleteChannel": [D],
  "rollouts.list": ALL,
  "rollouts.byId": ALL,
  "rollouts.series": ALL,
  "rollouts.verdicts": ALL,
  "rollouts.chartMarks": ALL,
  "rollouts.mechanism": ALL,
  "rollouts.history": ALL,
  "rollouts.start": [R],
  "rollouts.advance": [R],
  "rollouts.approve": [R],
  "rollouts.resume": [R],
  "rollouts.abort": [R],
  "rollouts.pause": [O, R],
  "rollouts.kill": [O, R],
  "rollouts.killService": [O, R],
  "rollouts.killAll": [O, R],
  "rollouts.advanceSchemaPhase": [R],
  "session.me": ALL,
  "admin.users": [D],
  "admin.setRole": [D],
  "admin.gateDefaults": ALL,
  "admin.setGateDefaults": [D],
  "admin.clearGateDefaults": [D],
  "simulator.setRegression": [O, R, D],
  "slos.list": ALL,
  "slos.define": [D],
  "tokens.list": [D],
  "tokens.create": [D],
  "tokens.revoke": [D],
};

const REST_POLICY: Record<string, readonly TokenScope[]> = {
  "POST /deploys": ["rollouts:write"],
  "POST /rollouts": ["rollouts:write"],
  "GET /rollouts": ["read"],
  "GET /rollouts/{id}": ["read"],
  "POST /rollouts/{id}/start": ["rollouts:write"],
  "POST /rollouts/{id}/advance": ["rollouts:write"],
  "POST /rollouts/{id}/approve": ["rollouts:write"],
  "POST /rollouts/{id}/pause": ["rollouts:write"],
  "POST /rollouts/{id}/resume": ["rollouts:write"],
  "POST /rollouts/{id}/abort": ["rollouts:write"],
  "POST /rollouts/{id}/kill": ["rollouts:write"],
  "POST /rollouts/{id}/schema-phase": ["rollouts:write"],
  "POST /kill": ["rollouts:write"],
  "POST /incidents": ["incidents:write"],
  "GET /freezes": ["read"],
  "POST /metrics": ["metrics:write"],
  "POST /service-metrics": ["metrics:write"],
  "GET /exposure/{service}": ["read", "flags:evaluate"],
  "GET /audit": ["read"],
  "GET /audit/verify": ["read"],
  "GET /audit/export": ["audit:export"],
  "POST /flagger/confirm-rollout": ["controllers:write"],
  "POST /flagger/confirm-traffic-increase": ["controllers:write"],
  "POST /flagger/confirm-promotion": ["controllers:write"],
  "POST /flagger/rollback": ["controllers:write"],
  "POST /flagger/event": ["controllers:write"],
  "GET /analysis/{service}": ["read", "controllers:write"],
};

const SOCKET_POLICY: Record<string, readonly Role[]> = {
  subscribe: ALL,
  resume: ALL,
};
/** Each event's arguments after the room (resume: the last event number seen). */
const SOCKET_EXTRA_ARGS: Record<string, unknown[]> = { subscribe: [], resume: [0] };

const RESERVED_SOCKET_EVENTS = new Set(["disconnect", "disconnecting", "error"]);
const DENIED = new Set(["UNAUTHORIZED", "FORBIDDEN"]);
// Invalid or unknown on purpose: an allowed caller gets past authorization and stops at validation or
// NOT_FOUND, so the matrix changes nothing; a refused one must be stopped before either.
const PROBE_INPUT = { id: "matrix-missing", key: "" };

type Outcome = "ok" | string;

async function callProcedure(actor: Actor | null, path: string, demo: DemoFixture): Promise<Outcome> {
  const caller = createCallerFactory(appRouter)({ actor, services: demo.services });
  let target: unknown = caller;
  for (const segment of path.split(".")) target = (target as Record<string, unknown>)[segment];
  try {
    await (target as (input: unknown) => Promise<unknown>)(PROBE_INPUT);
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? "THROWN";
  }
}

describe("authorization matrix", () => {
  const app = useDemoServer();

  describe("tRPC procedures", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();

    it("has a policy for every procedure, and no policy for a procedure that is gone", () => {
      expect(procedures).toEqual(Object.keys(TRPC_POLICY).sort());
    });

    it.each(procedures)(
      "%s: only its roles get past authorization; nobody gets UNAUTHORIZED",
      async (path) => {
        const auditBefore = await app.demo.database.db.auditEvent.count();
        const expected = TRPC_POLICY[path] ?? [];
        const results: Record<string, Outcome> = { anonymous: await callProcedure(null, path, app.demo) };
        for (const role of ROLES) results[role] = await callProcedure(app.demo.actor(role), path, app.demo);
        const verdict = Object.fromEntries(
          Object.entries(results).map(([who, outcome]) => [who, DENIED.has(outcome) ? outcome : "allowed"]),
        );
        expect(verdict).toEqual({
          anonymous: "UNAUTHORIZED",
          ...Object.fromEntries(
            ROLES.map((role) => [role, expected.includes(role) ? "allowed" : "FORBIDDEN"]),
          ),
        });
        expect(await app.demo.database.db.auditEvent.count()).toBe(auditBefore);
      },
    );
  });

  describe("REST routes (over HTTP)", () => {
    const routes = API_ROUTES.map((route) => ({ route, key: `${route.method} ${route.path}` }));
    const tokens = new Map<TokenScope, string>();

    beforeAll(async () => {
      const admin = app.demo.actor("admin");
      for (const scope of TOKEN_SCOPES) {
        const { secret } = await createApiToken(app.demo.services, admin, {
          name: `matrix ${scope}`,
          scopes: [scope],
        });
        tokens.set(scope, secret);
      }
    });

    it("has a policy for every route, and no policy for a route that is gone", () => {
      expect(routes.map((r) => r.key).sort()).toEqual(Object.keys(REST_POLICY).sort());
    });

    it.each(routes.map((r) => [r.key, r.route] as const))(
      "%s: 401 without a token, 403 for other scopes",
      async (key, route) => {
        const path = API_PREFIX + route.path.replace(/\{\w+\}/g, "matrix-missing");
        const call = (token?: string) =>
          fetch(`${app.server.url}${path}`, {
            method: route.method,
            headers: {
              ...(token ? { Authorization: `Bearer ${token}` } : {}),
              ...(route.method === "POST" ? { "Content-Type": "application/json" } : {}),
            },
            body: route.method === "POST" ? "{}" : undefined,
          }).then((r) => r.status);
        const expected = REST_POLICY[key] ?? [];
        const statuses: Record<string, number | "allowed"> = { none: await call() };
        for (const scope of TOKEN_SCOPES) {
          const status = await call(tokens.get(scope));
          statuses[scope] = status === 401 || status === 403 ? status : "allowed";
        }
        expect(statuses).toEqual({
          none: 401,
          ...Object.fromEntries(TOKEN_SCOPES.map((s) => [s, expected.includes(s) ? "allowed" : 403])),
        });
      },
    );
  });

  describe("socket events (real socket.io connections)", () => {
    const open: Socket[] = [];
    afterAll(() => {
      for (const socket of open) socket.close();
    });

    function connectAs(cookie: string | undefined, headers: Record<string, string> = {}) {
      const socket = connect(app.server.url, {
        transports: ["websocket"],
        reconnection: false,
        extraHeaders: { ...(cookie ? { Cookie: cookie } : {}), ...headers },
      });
      open.push(socket);
      return new Promise<{ socket: Socket; error?: string }>((resolve) => {
        socket.once("connect", () => resolve({ socket }));
        socket.once("connect_error", (error) => resolve({ socket, error: error.message }));
      });
    }

    it("has a policy for every client→server event, and the server handles no other", async () => {
      expect(Object.keys(SOCKET_EVENT_PERMISSIONS).sort()).toEqual(Object.keys(SOCKET_POLICY).sort());
      const { error } = await connectAs(await sessionCookie(app.demo.actor("viewer")));
      expect(error).toBeUndefined();
      const [serverSide] = [...app.server.io.sockets.sockets.values()];
      const handled =
        serverSide?.eventNames().filter((name) => !RESERVED_SOCKET_EVENTS.has(String(name))) ?? [];
      expect(handled.map(String).sort()).toEqual(Object.keys(SOCKET_POLICY).sort());
    });

    it("refuses a connection without a session, with a forged one, or from another site", async () => {
      expect((await connectAs(undefined)).error).toBe("unauthorized");
      const forged = (await sessionCookie(app.demo.actor("admin"))).replace(/.{8}$/, "AAAAAAAA");
      expect((await connectAs(forged)).error).toBe("unauthorized");
      const cookie = await sessionCookie(app.demo.actor("admin"));
      expect((await connectAs(cookie, { Origin: "https://evil.example" })).error).toBe("forbidden origin");
    });

    it.each(ROLES)("%s: may send exactly the events its role is allowed", async (role) => {
      const { socket, error } = await connectAs(await sessionCookie(app.demo.actor(role)));
      expect(error).toBeUndefined();
      for (const [event, roles] of Object.entries(SOCKET_POLICY)) {
        const rooms = ["overview", { rolloutId: app.demo.rollouts["checkout-api"] as string }];
        for (const room of rooms) {
          const ack = await socket
            .timeout(5000)
            .emitWithAck(event, room, ...(SOCKET_EXTRA_ARGS[event] ?? []));
          expect(ack).toEqual(expect.objectContaining({ ok: roles.includes(role) }));
        }
      }
      expect(await socket.timeout(5000).emitWithAck("subscribe", { rolloutId: "" })).toEqual({
        ok: false,
        error: "room: expected 'overview' or { rolloutId }",
      });
    });
  });
});
