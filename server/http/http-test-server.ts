// Test harness for the HTTP security layer. Not used by production code.
import { createServer } from "node:http";
import { encode } from "next-auth/jwt";
import { createAuthOptions } from "../auth/auth-options";
import type { Actor } from "../auth/permissions";
import { createSessionRevocations } from "../auth/session-revocation";
import { attachRealtime } from "../realtime/socket-server";
import type { ServiceContext } from "../services/context";
import { freePort } from "../testing/free-port";
import { UnknownTokenGuard } from "./rate-limit";
import { createRequestRouter } from "./request-router";
import { DEFAULT_OFREP_RATE_LIMIT, type SecurityConfig } from "./security-config";

export const TEST_SECRET = "http-test-secret-http-test-secret-0123";

export interface TestServer {
  url: string;
  io: ReturnType<typeof attachRealtime>["io"];
  security: SecurityConfig;
  logs: string[];
  close(): Promise<void>;
}

export const testSecurity = (url: string, overrides: Partial<SecurityConfig["rateLimits"]> = {}) =>
  ({
    publicUrl: url,
    trustedProxyHops: 0,
    csrfStrict: false,
    ofrepAllowedOrigins: [],
    dev: false,
    rateLimits: {
      signIn: { burst: 1000, perMinute: 1000 },
      api: { burst: 1000, perMinute: 1000 },
      metrics: { burst: 1000, perMinute: 1000 },
      ofrep: DEFAULT_OFREP_RATE_LIMIT,
      unknownTokens: { burst: 1000, perMinute: 1000 },
      ...overrides,
    },
  }) satisfies SecurityConfig;

/** The app's request router and socket.io on a free loopback port, with a stand-in for Next's pages. */
export async function startTestServer(
  services: ServiceContext,
  limits: Partial<SecurityConfig["rateLimits"]> = {},
  options: { csrfStrict?: boolean } = {},
): Promise<TestServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const security = { ...testSecurity(url, limits), csrfStrict: options.csrfStrict ?? false };
  const logs: string[] = [];
  const sessions = createSessionRevocations({ db: services.db, events: services.events });
  const unknownTokens = new UnknownTokenGuard(security.rateLimits.unknownTokens);
  const router = createRequestRouter({
    services,
    authOptions: createAuthOptions(services, TEST_SECRET, { sessions, publicUrl: url }),
    secret: TEST_SECRET,
    sessions,
    // Echoes the CSP header of the request Next would see, where Next looks for the page's nonce.
    nextHandler: (req, res) => {
      res
        .writeHead(200, { "Content-Type": "text/html" })
        .end(`<!doctype html><p>${req.headers["content-security-policy"] ?? ""}</p>`);
    },
    log: (line) => logs.push(line),
    security,
    unknownTokens,
  });
  const server = createServer((req, res) => void router(req, res));
  const realtime = attachRealtime(server, {
    secret: TEST_SECRET,
    sessions,
    events: services.events,
    db: services.db,
    publicUrl: url,
    unknownTokens,
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url,
    io: realtime.io,
    security,
    logs,
    async close() {
      await realtime.close();
      sessions.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * A session cookie for `actor`, as next-auth would set it after sign-in (at `signedInAt`; without it,
 * the token's issue time stands in, as for tokens from before the claim existed).
 */
export async function sessionCookie(actor: Actor, maxAgeSeconds = 3600, signedInAt?: Date): Promise<string> {
  const token = await encode({
    secret: TEST_SECRET,
    maxAge: maxAgeSeconds,
    token: { sub: actor.id, name: actor.name, role: actor.role, signedInAt: signedInAt?.getTime() },
  });
  return `next-auth.session-token=${token}`;
}

/** Signs out through next-auth's own endpoint, as the dashboard's header does, with `session` cookies. */
export async function postSignOut(url: string, session: string): Promise<number> {
  const csrfResponse = await fetch(`${url}/api/auth/csrf`, { headers: { Cookie: session } });
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const csrfCookie = csrfResponse.headers.getSetCookie().map((c) => c.split(";")[0]);
  const response = await fetch(`${url}/api/auth/signout`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: [session, ...csrfCookie].join("; "),
    },
    body: new URLSearchParams({ csrfToken, json: "true" }),
    redirect: "manual",
  });
  return response.status;
}

/** Signs in through next-auth's own endpoints, as the dashboard's form does. */
export async function postSignIn(url: string, email: string, password: string) {
  const csrfResponse = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const csrfCookie = csrfResponse.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    redirect: "manual",
  });
  const body = (await response.json().catch(() => null)) as { url?: string } | null;
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    error: body?.url ? new URL(body.url).searchParams.get("error") : null,
    cookies: response.headers.getSetCookie(),
  };
}
