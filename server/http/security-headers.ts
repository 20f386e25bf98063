import type { ServerResponse } from "node:http";

/**
 * The Content-Security-Policy of every response. Scripts and styles allow 'unsafe-inline': Next's App
 * Router hydrates with inline scripts, and a nonce would need every page rendered per request (the
 * pages are prerendered at build) plus Next's middleware; recharts and Next set inline styles. Every
 * other source is this origin only: no plugins, no framing, no foreign form targets, no base-URI tricks,
 * and connections only to this origin (with its websocket) so injected script cannot post data away.
 */
export function contentSecurityPolicy(publicUrl: string, dev: boolean): string {
  const url = new URL(publicUrl);
  const ws = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
  ].join("; ");
}

export interface SecurityHeaderOptions {
  publicUrl: string;
  dev: boolean;
}

/** Headers every response carries: CSP, no framing, no MIME sniffing, no referrer leaks, HSTS on https. */
export function createSecurityHeaders(options: SecurityHeaderOptions) {
  const csp = contentSecurityPolicy(options.publicUrl, options.dev);
  const https = options.publicUrl.startsWith("https://");
  return (res: ServerResponse): void => {
    res.setHeader("Content-Security-Policy", csp);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  };
}
