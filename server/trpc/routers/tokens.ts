import { z } from "zod";
import { createApiToken } from "../../services/tokens/create-api-token";
import { listApiTokens } from "../../services/tokens/list-api-tokens";
import { revokeApiToken } from "../../services/tokens/revoke-api-token";
import { TOKEN_SCOPES } from "../../services/tokens/token-scopes";
import { text } from "../../validation/text";
import { procedureWith, router } from "../init";

const tokenId = z.object({ id: text(64) });

/** Admin management of machine tokens for /api/v1. `create` is the only time a secret is shown. */
export const tokensRouter = router({
  list: procedureWith("tokens:manage").query(({ ctx }) => listApiTokens(ctx.services)),
  create: procedureWith("tokens:manage")
    .input(
      z.object({
        name: text(100),
        scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "grant at least one scope"),
        expiresAt: z.date().optional(),
      }),
    )
    .mutation(({ ctx, input }) => createApiToken(ctx.services, ctx.actor, input)),
  revoke: procedureWith("tokens:manage")
    .input(tokenId)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.services, ctx.actor, input.id)),
});
