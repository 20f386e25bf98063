import type { ServiceContext } from "../context";
import { type ApiTokenView, tokenViewSelect } from "./token-view";

/** Every token, newest first, without secrets or hashes. */
export function listApiTokens(ctx: ServiceContext): Promise<ApiTokenView[]> {
  return ctx.db.apiToken.findMany({ select: tokenViewSelect, orderBy: { createdAt: "desc" } });
}
