import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The Content-Security-Policy of a response. Scripts run only with this response's nonce, or when loaded
 * by a script that had it ('strict-dynamic'): no inline script an attacker injects can run. Next's App
 * Router reads the nonce from the request's own CSP header and puts it on every script it renders, which
 * is why pages render per request (see app/layout.tsx). Responses that are not pages get no nonce and
 * run no script at all beyond this origin's files.
 *
 * Styles keep 'unsafe-inline': React renders `style` attributes into the server HTML (recharts sizes its
 * charts that way) and an attribute cannot carry a nonce. Injected CSS cannot run code; the cost is that
 * it could restyle the page. Every other source is this origin only: no plugins, no framing, no foreign
 * form targets, no base-URI tricks, and connections only to this origin (with its websocket) so injected
 * script could not post data away.
 */
export function contentSecurityPolicy(publicUrl: string, dev: boolean, nonce?: string): string {
  const url = new URL(publicUrl);
  const ws = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  const scripts = nonce ? `'self' 'nonce-${nonce}' 'strict-dynamic'` : "'self'";
  return [
    "default-src 'self'",
    // Dev only: React's dev build and hot reload evaluate code.
    `script-src ${scripts}${dev ? " 'unsafe-eval'" : ""}`,
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
  return {
    apply(res: ServerResponse): void {
      res.setHeader("Content-Security-Policy", csp);
      res.setHeader("X-Content-Type-Options", "nosniff");
      res.setHeader("X-Frame-Options", "DENY");
      res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
      res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
      res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
      res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
      if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    },
    /**
     * For a request Next answers: a fresh nonce in the response's policy and in the request's own CSP
     * header, where Next looks for it. Whatever CSP header the client sent is replaced, so a client can
     * never choose the nonce.
     */
    withPageNonce(req: IncomingMessage, res: ServerResponse): void {
      const pagePolicy = contentSecurityPolicy(
        options.publicUrl,
        options.dev,
        randomBytes(16).toString("base64"),
      );
      delete req.headers["content-security-policy-report-only"];
      req.headers["content-security-policy"] = pagePolicy;
      res.setHeader("Content-Security-Policy", pagePolicy);
    },
  };
}
