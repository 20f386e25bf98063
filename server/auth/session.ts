import { decode } from "next-auth/jwt";
import type { Actor, Role } from "./permissions";
import { ROLES } from "./permissions";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies[part.slice(0, eq).trim()] = safeDecode(part.slice(eq + 1).trim());
  }
  return cookies;
}

export interface Session {
  actor: Actor;
  /** When the session token expires (epoch ms); a socket opened with it is closed then. */
  expiresAt: number;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The signed-in user behind a request's cookies and when their session ends, or null (no cookie, a
 * forged or expired token, an unknown role).
 */
export async function sessionFromCookieHeader(
  header: string | undefined,
  secret: string,
): Promise<Session | null> {
  const cookies = parseCookies(header);
  const token = SESSION_COOKIES.map((name) => cookies[name]).find(Boolean);
  if (!token) return null;
  const jwt = await decode({ token, secret }).catch(() => null);
  if (!jwt?.sub || !ROLES.includes(jwt.role as Role) || typeof jwt.exp !== "number") return null;
  return {
    actor: { id: jwt.sub, name: jwt.name ?? jwt.email ?? jwt.sub, role: jwt.role as Role },
    expiresAt: jwt.exp * 1000,
  };
}

/**
 * The signed-in user behind a request's cookies, or null. Used by tRPC and socket.io alike, so HTTP and
 * websocket traffic authenticate the same way.
 */
export async function actorFromCookieHeader(
  header: string | undefined,
  secret: string,
): Promise<Actor | null> {
  return (await sessionFromCookieHeader(header, secret))?.actor ?? null;
}
