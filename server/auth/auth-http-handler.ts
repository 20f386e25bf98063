import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth, { type AuthOptions } from "next-auth";
import { cjsDefault } from "../cjs-default";
import { readBody } from "../http/read-body";
import { parseCookies } from "./session";

/** Sign-in forms are tiny; anything bigger is not a sign-in. */
const SIGN_IN_BODY_LIMIT = 16 * 1024;

/**
 * Serves next-auth's endpoints (/api/auth/*) from the custom server, outside Next's bundle, by giving
 * Node's request and response the few API-route helpers next-auth's handler uses.
 */
export function createAuthHttpHandler(options: AuthOptions) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const raw = req.method === "POST" ? await readBody(req, SIGN_IN_BODY_LIMIT) : "";
    const body = req.headers["content-type"]?.includes("application/json")
      ? parseJsonObject(raw)
      : Object.fromEntries(new URLSearchParams(raw));
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
    await cjsDefault(NextAuth)(apiReq, apiRes as unknown as NextApiResponse, options);
  };
}

function parseJsonObject(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw || "{}");
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
