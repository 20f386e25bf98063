import type { IncomingMessage, ServerResponse } from "node:http";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import type { AuthOptions } from "next-auth";
import { createApiHandler } from "../api/api-handler";
import { createAuthHttpHandler } from "../auth/auth-http-handler";
import { actorFromCookieHeader } from "../auth/session";
import type { ServiceContext } from "../services/context";
import { appRouter } from "../trpc/app-router";
import { applySecurityHeaders } from "./security-headers";

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Routes one HTTP request: the server's own endpoints (sign-in, the REST API under /api/v1, tRPC) are
 * answered here, ahead of Next, and everything else (pages, assets) goes to Next's handler.
 */
export function createRequestRouter(deps: {
  services: ServiceContext;
  authOptions: AuthOptions;
  secret: string;
  nextHandler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  log: (line: string) => void;
}): Handler {
  const auth = createAuthHttpHandler(deps.authOptions);
  const api = createApiHandler(deps.services, { log: deps.log });
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    applySecurityHeaders(res);
    if (url.pathname.startsWith("/api/auth/")) return auth(req, res, url);
    if (url.pathname === "/api/v1" || url.pathname.startsWith("/api/v1/")) return api(req, res, url);
    if (url.pathname.startsWith("/api/trpc/")) {
      return nodeHTTPRequestHandler({
        router: appRouter,
        req,
        res,
        path: url.pathname.slice("/api/trpc/".length),
        createContext: async () => ({
          actor: await actorFromCookieHeader(req.headers.cookie, deps.secret),
          services: deps.services,
        }),
      });
    }
    await deps.nextHandler(req, res);
  };
}
