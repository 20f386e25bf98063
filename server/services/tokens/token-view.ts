import type { Prisma } from "../../db/client";

/** What anyone may see of a token: everything but its hash. */
export const tokenViewSelect = {
  id: true,
  name: true,
  scopes: true,
  createdBy: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
} satisfies Prisma.ApiTokenSelect;

export type ApiTokenView = Prisma.ApiTokenGetPayload<{ select: typeof tokenViewSelect }>;
