import { decode } from "next-auth/jwt";
import type { Actor, Role } from "./permissions";
import { ROLES } from "./permissions";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * The signed-in user behind a request's cookies, or null. Used by tRPC and socket.io alike, so HTTP and
 * websocket traffic authenticate the same way.
 */
export async function actorFromCookieHeader(
  header: string | undefined,
  secret: string,
): Promise<Actor | null> {
  const cookies = parseCookies(header);
  const token = SESSION_COOKIES.map((name) => cookies[name]).find(Boolean);
  if (!token) return null;
  const jwt = await decode({ token, secret }).catch(() => null);
  if (!jwt?.sub || !ROLES.includes(jwt.role as Role)) return null;
  return { id: jwt.sub, name: jwt.name ?? jwt.email ?? jwt.sub, role: jwt.role as Role };
}
