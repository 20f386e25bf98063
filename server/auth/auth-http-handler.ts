import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth, { type AuthOptions } from "next-auth";
import { cjsDefault } from "../cjs-default";
import type { Db } from "../db/client";
import { clientAddress, type RateLimiter } from "../http/rate-limit";
import { BodyTooLargeError, readBody } from "../http/read-body";
import { parseCookies } from "./session";
import { signInRequest } from "./sign-in-context";
import { SIGN_IN_LOCKED, SIGN_IN_RATE_LIMITED } from "./sign-in-errors";
import { signInLockedFor, throttleKeys } from "./sign-in-throttle";

/** Sign-in forms are tiny; anything bigger is not a sign-in. */
const SIGN_IN_BODY_LIMIT = 16 * 1024;

export interface SignInGuard {
  db: Db;
  /** Sign-in attempts per client address (429 past it). */
  limiter: RateLimiter;
  trustedProxyHops: number;
  publicUrl: string;
  now?: () => Date;
}

/** Null for a body past the limit (answered 413); any other failure is rethrown. */
const tooLarge = (error: unknown): null => {
  if (error instanceof BodyTooLargeError) return null;
  throw error;
};

const isSignInAttempt = (req: IncomingMessage, url: URL) =>
  req.method === "POST" &&
  (url.pathname.startsWith("/api/auth/callback/") || url.pathname.startsWith("/api/auth/signin/"));

/**
 * Serves next-auth's endpoints (/api/auth/*) from the custom server, outside Next's bundle, by giving
 * Node's request and response the few API-route helpers next-auth's handler uses. Sign-in attempts are
 * rate limited per client address and refused with 429 while the account or address is locked out.
 */
export function createAuthHttpHandler(options: AuthOptions, guard?: SignInGuard) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const address = clientAddress(req, guard?.trustedProxyHops);
    const attempt = isSignInAttempt(req, url);
    if (attempt && guard) {
      const rate = guard.limiter.take(address);
      if (!rate.allowed) return tooMany(res, guard, rate.retryAfterSeconds, SIGN_IN_RATE_LIMITED);
    }
    const raw = req.method === "POST" ? await readBody(req, SIGN_IN_BODY_LIMIT).catch(tooLarge) : "";
    if (raw === null) {
      res.writeHead(413, { "Content-Type": "application/json", Connection: "close" });
      res.end(JSON.stringify({ error: "RequestTooLarge" }));
      return;
    }
    const body = req.headers["content-type"]?.includes("application/json")
      ? parseJsonObject(raw)
      : Object.fromEntries(new URLSearchParams(raw));
    if (attempt && guard && typeof body.email === "string" && body.email.length <= 254) {
      const keys = throttleKeys(body.email, address);
      const lockedFor = await signInLockedFor(guard.db, keys, guard.now?.() ?? new Date());
      if (lockedFor > 0) return tooMany(res, guard, lockedFor, SIGN_IN_LOCKED);
    }
    const apiReq = Object.assign(req, {
      query: { ...Object.fromEntries(url.searchParams), nextauth: url.pathname.split("/").slice(3) },
      body,
      cookies: parseCookies(req.headers.cookie),
    }) as unknown as NextApiRequest;
    const apiRes = Object.assign(res, {
      status(code: number) {
        res.statusCode = code;
        return apiRes;
      },
      json(payload: unknown) {
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify(payload));
      },
      send(payload: unknown) {
        if (typeof payload === "string") res.end(payload);
        else apiRes.json(payload ?? null);
      },
    });
    await signInRequest.run({ address }, () =>
      cjsDefault(NextAuth)(apiReq, apiRes as unknown as NextApiResponse, options),
    );
  };
}

/**
 * 429 with Retry-After. The body is what next-auth's client expects (`url` with `error`), so the sign-in
 * form reports a failure; it reads the same for existing and unknown accounts.
 */
function tooMany(res: ServerResponse, guard: SignInGuard, retryAfterSeconds: number, error: string): void {
  const url = new URL("/api/auth/error", guard.publicUrl);
  url.searchParams.set("error", error);
  res
    .writeHead(429, {
      "Content-Type": "application/json",
      "Retry-After": String(retryAfterSeconds),
      "Cache-Control": "no-store",
    })
    .end(JSON.stringify({ url: url.toString(), error, retryAfterSeconds }));
}

function parseJsonObject(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw || "{}");
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
