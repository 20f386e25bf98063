import type { AuthOptions } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { cjsDefault } from "../cjs-default";
import type { Db } from "../db/client";
import { verifyPassword } from "./password";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** next-auth configuration: credential sign-in against the User table, sessions as signed JWT cookies. */
export function createAuthOptions(db: Db, secret: string): AuthOptions {
  return {
    secret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/signin" },
    providers: [
      cjsDefault(Credentials)({
        name: "Sluice account",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) return null;
          const user = await db.user.findUnique({
            where: { email: credentials.email.toLowerCase() },
            select: { id: true, email: true, name: true, role: true, passwordHash: true },
          });
          if (!user || !(await verifyPassword(credentials.password, user.passwordHash))) return null;
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.role = user.role;
        return token;
      },
      session({ session, token }) {
        if (session.user) Object.assign(session.user, { id: token.sub, role: token.role });
        return session;
      },
    },
  };
}
