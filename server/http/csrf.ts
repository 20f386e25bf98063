import type { IncomingMessage } from "node:http";

/** The header the dashboard's tRPC client sends; a cross-site page cannot send it without a CORS
 * preflight, which this server never grants. */
export const CSRF_HEADER = "x-sluice-csrf";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a cookie-authenticated request may be a cross-site forgery, or null when it is not. Safe methods
 * pass. A browser marks every POST with Origin and Sec-Fetch-Site: when either says another site, the
 * request is refused whatever else it carries. A request with neither signal does not come from a
 * (modern) browser, so it is no forgery; `strict` (the default, SLUICE_CSRF_STRICT) refuses it anyway
 * unless it sends the custom header.
 */
export function csrfRefusal(
  req: IncomingMessage,
  publicUrl: string | undefined,
  options: { strict?: boolean } = {},
): string | null {
  if (SAFE_METHODS.has(req.method ?? "GET")) return null;
  const fetchSite = req.headers["sec-fetch-site"];
  if (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none") {
    return `cross-site request refused (Sec-Fetch-Site: ${fetchSite})`;
  }
  const origin = req.headers.origin;
  const sameOrigin = origin !== undefined && origin !== "null" && isOwnOrigin(origin, req, publicUrl);
  if (origin !== undefined && !sameOrigin) return `cross-site request refused (Origin: ${origin})`;
  if (sameOrigin || req.headers[CSRF_HEADER] === "1") return null;
  if (!options.strict && fetchSite === undefined) return null;
  return `send the header ${CSRF_HEADER}: 1 with cookie-authenticated requests`;
}

/** An Origin is ours when it names the public URL's origin or the host the request was sent to. */
export function isOwnOrigin(origin: string, req: IncomingMessage, publicUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (publicUrl && parsed.origin === new URL(publicUrl).origin) return true;
  return parsed.host === req.headers.host && (parsed.protocol === "http:" || parsed.protocol === "https:");
}
