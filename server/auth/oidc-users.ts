import { randomBytes } from "node:crypto";
import { type Db, Prisma } from "../db/client";
import { systemActor } from "../services/actors";
import { recordAuditEvent } from "../services/audit/record-audit-event";
import { endUserSessions } from "../services/users/end-sessions";
import type { OidcRefusalCode } from "./oidc-refusals";
import type { Role } from "./permissions";
import { currentSignInAddress } from "./sign-in-context";

type Tx = Prisma.TransactionClient;

const OIDC_ACTOR = systemActor("oidc");
const OIDC_HASH_PREFIX = "oidc$";
/** Providers can send hundreds of groups; the audit keeps enough to explain a decision. */
const AUDITED_GROUPS = 50;

/**
 * The password hash of a user who signs in only through OIDC: verifyPassword knows no "oidc" scheme, so
 * no password ever matches it, and the random part keeps two such rows from looking alike.
 */
export const unusablePasswordHash = () => `${OIDC_HASH_PREFIX}${randomBytes(32).toString("base64url")}`;

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string;
  name: string;
  role: Role;
  /** Every role the groups matched, the first being `role`. */
  matched: Role[];
  groups: string[];
}

export type ProvisionResult =
  | { ok: true; user: { id: string; name: string; role: Role } }
  | { ok: false; reason: OidcRefusalCode; detail: string; userId: string };

/**
 * Creates the Sluice user of an OIDC sign-in, or refreshes its name and role, which always come from the
 * provider's latest claims. A role change is audited in the same transaction and ends older sessions. A password account with the
 * same email is never taken over: the provider would otherwise decide the role of, say, a break-glass admin.
 */
export async function provisionOidcUser(db: Db, identity: OidcIdentity, now: Date): Promise<ProvisionResult> {
  const run = () => db.$transaction((tx) => upsertOidcUser(tx, identity, now));
  try {
    return await run();
  } catch (error) {
    // Two first sign-ins of the same person at once: the loser finds the winner's row on a second try.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return run();
    throw error;
  }
}

async function upsertOidcUser(tx: Tx, identity: OidcIdentity, now: Date): Promise<ProvisionResult> {
  const { email, name, role } = identity;
  const select = { id: true, name: true, role: true, passwordHash: true } as const;
  const existing = await tx.user.findUnique({ where: { email }, select });
  const evidence = {
    issuer: identity.issuer,
    subject: identity.subject,
    groups: auditedGroups(identity.groups),
  };
  if (!existing) {
    const user = await tx.user.create({
      data: { email, name, role, passwordHash: unusablePasswordHash() },
      select: { id: true, name: true, role: true },
    });
    await recordAuditEvent(tx, {
      actor: OIDC_ACTOR,
      action: "user.provisioned",
      targetType: "user",
      targetId: user.id,
      reason: roleReason(identity),
      after: { email, name, role, ...evidence },
      at: now,
    });
    return { ok: true, user };
  }
  if (!existing.passwordHash.startsWith(OIDC_HASH_PREFIX)) {
    return {
      ok: false,
      reason: "local-account",
      detail: `${email} belongs to a password account, which OIDC sign-in does not take over`,
      userId: existing.id,
    };
  }
  if (existing.name === name && existing.role === role) return { ok: true, user: existing };
  const user = await tx.user.update({
    where: { id: existing.id },
    data: { name, role },
    select: { id: true, name: true, role: true },
  });
  if (existing.role !== role) {
    // Sessions from before carry the old role: end them (other instances within the revocation cache's
    // bound); the session this sign-in starts begins now, so it is not one of them.
    await endUserSessions(tx, user.id, now);
    await recordAuditEvent(tx, {
      actor: OIDC_ACTOR,
      action: "user.role-changed",
      targetType: "user",
      targetId: user.id,
      reason: roleReason(identity),
      before: { role: existing.role },
      after: { role, ...evidence },
      at: now,
    });
  }
  return { ok: true, user };
}

export interface OidcRefusal {
  issuer: string;
  subject: string;
  email: string | null;
  reason: OidcRefusalCode;
  detail: string;
  groups: string[];
  /** The Sluice user the email belongs to, when there is one. */
  userId?: string;
}

/** Records a refused sign-in, so "why could I not get in" and "who tried" have an answer in the audit log. */
export async function recordOidcRefusal(db: Db, refusal: OidcRefusal, now: Date): Promise<void> {
  const userId =
    refusal.userId ??
    (refusal.email
      ? (await db.user.findUnique({ where: { email: refusal.email }, select: { id: true } }))?.id
      : undefined);
  await db.$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: OIDC_ACTOR,
      action: "auth.sign-in-refused",
      targetType: "user",
      targetId: userId ?? (refusal.email ? `email:${refusal.email}` : `oidc:${refusal.subject}`),
      reason: refusal.detail,
      after: {
        code: refusal.reason,
        address: currentSignInAddress(),
        issuer: refusal.issuer,
        subject: refusal.subject,
        email: refusal.email,
        groups: auditedGroups(refusal.groups),
      },
      at: now,
    }),
  );
}

function roleReason(identity: OidcIdentity): string {
  const dropped = identity.matched.slice(1);
  return dropped.length
    ? `role ${identity.role} from the provider's groups (also matched ${dropped.join(", ")}, lower in precedence)`
    : `role ${identity.role} from the provider's groups`;
}

const auditedGroups = (groups: string[]) => groups.slice(0, AUDITED_GROUPS);
