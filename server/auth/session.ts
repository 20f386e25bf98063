import { decode } from "next-auth/jwt";
import type { Actor, Role } from "./permissions";
import { ROLES } from "./permissions";
import { type SessionRevocations, sessionSignedInAt } from "./session-revocation";

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
  /** When the user signed in (epoch ms): the session is ended by a later sign-out or role change. */
  signedInAt: number;
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
 * forged or expired token, an unknown role, a session revoked by sign-out or a role change).
 */
export async function sessionFromCookieHeader(
  header: string | undefined,
  secret: string,
  revocations: SessionRevocations,
): Promise<Session | null> {
  const cookies = parseCookies(header);
  const token = SESSION_COOKIES.map((name) => cookies[name]).find(Boolean);
  if (!token) return null;
  const jwt = await decode({ token, secret }).catch(() => null);
  if (!jwt?.sub || !ROLES.includes(jwt.role as Role) || typeof jwt.exp !== "number") return null;
  const signedInAt = sessionSignedInAt(jwt);
  if (signedInAt === null || !(await revocations.isCurrent({ userId: jwt.sub, signedInAt }))) return null;
  return {
    actor: { id: jwt.sub, name: jwt.name ?? jwt.email ?? jwt.sub, role: jwt.role as Role },
    expiresAt: jwt.exp * 1000,
    signedInAt,
  };
}

/**
 * The signed-in user behind a request's cookies, or null. Used by tRPC and socket.io alike, so HTTP and
 * websocket traffic authenticate the same way.
 */
export async function actorFromCookieHeader(
  header: string | undefined,
  secret: string,
  revocations: SessionRevocations,
): Promise<Actor | null> {
  return (await sessionFromCookieHeader(header, secret, revocations))?.actor ?? null;
}
