import { z } from "zod";
import { createApiToken } from "../../services/tokens/create-api-token";
import { listApiTokens } from "../../services/tokens/list-api-tokens";
import { revokeApiToken } from "../../services/tokens/revoke-api-token";
import { TOKEN_SCOPES } from "../../services/tokens/token-scopes";
import { text } from "../../validation/text";
import { procedureWith, router } from "../init";

const tokenId = z.strictObject({ id: text(64) });
/** PostgreSQL and Prisma hold timestamps up to the year 9999. */
const LATEST_EXPIRY = new Date("9999-12-31T23:59:59.999Z");

/** Admin management of machine tokens for /api/v1. `create` is the only time a secret is shown. */
export const tokensRouter = router({
  list: procedureWith("tokens:manage").query(({ ctx }) => listApiTokens(ctx.services)),
  create: procedureWith("tokens:manage")
    .input(
      z.strictObject({
        name: text(100),
        scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "grant at least one scope").max(TOKEN_SCOPES.length),
        expiresAt: z.date().max(LATEST_EXPIRY, "must be before the year 10000").optional(),
      }),
    )
    .mutation(({ ctx, input }) => createApiToken(ctx.services, ctx.actor, input)),
  revoke: procedureWith("tokens:manage")
    .input(tokenId)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.services, ctx.actor, input.id)),
});
