import { randomBytes } from "node:crypto";
import type { AuthOptions } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { cjsDefault } from "../cjs-default";
import { systemActor } from "../services/actors";
import { recordAuditEvent } from "../services/audit/record-audit-event";
import type { ServiceContext } from "../services/context";
import { signOutUser } from "../services/users/sign-out";
import type { OidcConfig } from "./oidc-config";
import { createOidcProvider } from "./oidc-provider";
import { createOidcSignInCallback } from "./oidc-sign-in";
import { hashPassword, verifyPassword } from "./password";
import { ROLES, type Role } from "./permissions";
import { type SessionRevocations, sessionSignedInAt } from "./session-revocation";
import { currentSignInAddress } from "./sign-in-context";
import { SIGN_IN_LOCKED } from "./sign-in-errors";
import { clearAccountFailures, recordSignInFailure, signInLockedFor, throttleKeys } from "./sign-in-throttle";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(1024),
});

// Verified against when the account does not exist, so both cases take one scrypt's time.
let dummyHash: Promise<string> | undefined;
const unknownUserHash = () => {
  dummyHash ??= hashPassword(randomBytes(16).toString("base64"));
  return dummyHash;
};

/** A session ended by sign-out or a role change: next-auth then clears the cookie instead of renewing it. */
export const SESSION_REVOKED = "SessionRevoked";

export interface AuthOptionsExtra {
  /** Sessions ended on the server (sign-out, role change) are neither renewed nor accepted. */
  sessions: SessionRevocations;
  /** Public origin; https makes every next-auth cookie Secure (and __Secure-/__Host- prefixed). */
  publicUrl?: string;
  /** OpenID Connect sign-in, when configured (oidcConfigFromEnv). */
  oidc?: OidcConfig | null;
  log?: (line: string) => void;
}

/**
 * next-auth configuration: credential sign-in against the User table, sessions as signed JWT cookies
 * (httpOnly, SameSite=Lax, Secure under https), lockout after repeated failures, and an audit event for
 * every sign-in, failed sign-in and sign-out. Signing out ends the user's sessions on the server too.
 */
export function createAuthOptions(
  services: ServiceContext,
  secret: string,
  extra: AuthOptionsExtra,
): AuthOptions {
  const { db, now } = services;
  const publicUrl = extra.publicUrl ?? process.env.NEXTAUTH_URL ?? "";
  void unknownUserHash();
  const oidcSignIn = extra.oidc
    ? createOidcSignInCallback({ db, config: extra.oidc, now, log: extra.log ?? console.log })
    : null;
  return {
    secret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    useSecureCookies: publicUrl.startsWith("https://"),
    pages: { signIn: "/signin" },
    logger: {
      // Clearing the cookie of a session ended on the server is routine, not an error with a stack.
      error(code, metadata) {
        if (code === "JWT_SESSION_ERROR" && (metadata as { message?: unknown }).message === SESSION_REVOKED)
          return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
    },
    providers: [
      cjsDefault(Credentials)({
        name: "Sluice account",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          const at = now();
          const address = currentSignInAddress();
          const keys = throttleKeys(email, address);
          // Locked: refuse without even checking the password, so guessing gains nothing.
          if ((await signInLockedFor(db, keys, at)) > 0) throw new Error(SIGN_IN_LOCKED);
          const user = await db.user.findUnique({
            where: { email },
            select: { id: true, email: true, name: true, role: true, passwordHash: true },
          });
          const valid = await verifyPassword(password, user?.passwordHash ?? (await unknownUserHash()));
          if (!user || !valid) {
            await db.$transaction(async (tx) => {
              const lockedFor = await recordSignInFailure(tx, keys, at);
              await recordAuditEvent(tx, {
                actor: systemActor("sign-in"),
                action: "auth.sign-in-failed",
                targetType: "user",
                targetId: user?.id ?? `email:${email}`,
                reason: lockedFor > 0 ? `wrong credentials; locked for ${lockedFor} s` : "wrong credentials",
                after: { address, email, lockedForSeconds: lockedFor },
                at,
              });
            });
            return null;
          }
          await clearAccountFailures(db, keys);
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        },
      }),
      ...(extra.oidc ? [createOidcProvider(extra.oidc)] : []),
    ],
    callbacks: {
      signIn: (params) => oidcSignIn?.(params) ?? true,
      // Runs at sign-in (with `user`) and whenever next-auth renews the cookie, which re-stamps `iat`.
      async jwt({ token, user }) {
        if (user) return { ...token, role: user.role, signedInAt: now().getTime() };
        const signedInAt = sessionSignedInAt(token);
        // Unknown while the database is away: renew rather than sign everyone out. The renewed token
        // keeps its signedInAt, so tRPC and sockets still refuse it if it was revoked.
        const current =
          token.sub &&
          signedInAt !== null &&
          (await extra.sessions.isCurrent({ userId: token.sub, signedInAt }).catch(() => true));
        if (current) return { ...token, signedInAt };
        // next-auth answers a throw here by clearing the session cookie.
        throw new Error(SESSION_REVOKED);
      },
      session({ session, token }) {
        if (session.user) Object.assign(session.user, { id: token.sub, role: token.role });
        return session;
      },
    },
    events: {
      async signIn({ user }) {
        await db.$transaction((tx) =>
          recordAuditEvent(tx, {
            actor: { id: user.id, name: user.name ?? user.email ?? user.id, role: user.role },
            action: "auth.signed-in",
            targetType: "user",
            targetId: user.id,
            after: { address: currentSignInAddress() },
            at: now(),
          }),
        );
      },
      async signOut({ token }) {
        const role = token?.role;
        if (!token?.sub || !role || !(ROLES as readonly Role[]).includes(role)) return;
        const signedInAt = sessionSignedInAt(token);
        if (signedInAt === null) return;
        const actor = { id: token.sub, name: token.name ?? token.email ?? token.sub, role };
        await signOutUser(services, actor, signedInAt);
      },
    },
  };
}
