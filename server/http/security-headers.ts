import type { ServerResponse } from "node:http";

/** Headers every response carries: no framing, no MIME sniffing, no referrer leaks to other origins. */
export function applySecurityHeaders(res: ServerResponse): void {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
}
