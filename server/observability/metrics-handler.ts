import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { enableProcessMetrics, sluiceRegistry } from "./sluice-metrics";

/**
 * GET /metrics in Prometheus' text format. Open by default, like most exporters; with a `token`, a
 * scraper must send `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: … }`).
 */
export function createMetricsHandler(options: { token?: string } = {}) {
  enableProcessMetrics();
  const expected = options.token ? digest(options.token) : null;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ code: "BAD_INPUT", message: "GET /metrics only" }));
      return;
    }
    if (expected && !timingSafeEqual(digest(bearerOf(req)), expected)) {
      res.writeHead(401, { "Content-Type": "application/json; charset=utf-8", "WWW-Authenticate": "Bearer" });
      res.end(JSON.stringify({ code: "UNAUTHORIZED", message: "Bearer token required for /metrics" }));
      return;
    }
    const body = await sluiceRegistry.metrics();
    res.writeHead(200, { "Content-Type": sluiceRegistry.contentType, "Cache-Control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}

function bearerOf(req: IncomingMessage): string {
  const header = req.headers.authorization ?? "";
  return header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
}

/** Equal-length digests, so comparing them leaks neither the token nor its length. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
