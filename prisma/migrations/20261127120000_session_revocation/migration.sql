-- Server-side session revocation (server/auth/session-revocation.ts): a session whose sign-in is earlier
-- than this moment is refused. Set when the user signs out and when an admin changes their role; null
-- means no session of theirs has been revoked.
ALTER TABLE "User" ADD COLUMN "sessionsValidFrom" TIMESTAMP(3);
