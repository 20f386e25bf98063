import { createServer } from "node:http";
import { createAuthOptions } from "../auth/auth-options";
import { createSessionRevocations } from "../auth/session-revocation";
import { testSecurity } from "../http/http-test-server";
import { createRequestRouter } from "../http/request-router";
import type { ServiceContext } from "../services/context";
import { createApiToken } from "../services/tokens/create-api-token";
import type { TokenScope } from "../services/tokens/token-scopes";
import { freePort } from "../testing/free-port";
import type { ApiHandler } from "./api-handler";

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty body. */
  json: unknown;
  text: string;
}

export interface RequestOptions {
  token?: string;
  /** An object is sent as JSON; a string is sent as is (for malformed JSON). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestApi {
  url: string;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** A fresh token with these scopes, created by an admin through the service. */
  token(scopes: TokenScope[], options?: { expiresAt?: Date; name?: string }): Promise<string>;
  close(): Promise<void>;
}

const ADMIN = { id: "test-admin", name: "admin", role: "admin" as const };

/**
 * A real HTTP server on a free loopback port. By default it is the app's own request router (so the
 * /api/v1 dispatch ahead of Next is what is tested), with a stand-in for Next; or just `handler`.
 */
export async function startTestApi(services: ServiceContext, handler?: ApiHandler): Promise<TestApi> {
  const secret = "test-secret-test-secret-test-secret";
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sessions = createSessionRevocations({ db: services.db, events: services.events });
  const router = createRequestRouter({
    services,
    authOptions: createAuthOptions(services, secret, { sessions }),
    secret,
    sessions,
    nextHandler: (_req, res) => {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("next");
    },
    log: (line) => console.error(line),
    // Tests send bursts no client would; the rate limits have tests of their own.
    security: testSecurity(url),
  });
  const server = createServer((req, res) => void (handler ?? router)(req, res));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.Authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        headers["Content-Type"] ??= "application/json";
      }
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: response.status, headers: response.headers, json, text };
    },
    async token(scopes, options = {}) {
      const { secret } = await createApiToken(services, ADMIN, {
        name: options.name ?? `test ${scopes.join(" ")}`,
        scopes,
        expiresAt: options.expiresAt,
      });
      return secret;
    },
    close: () =>
      new Promise<void>((resolve) => {
        sessions.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
