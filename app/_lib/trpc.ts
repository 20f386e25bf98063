"use client";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import superjson from "superjson";
import type { AppRouter } from "../../server/trpc/app-router";
import { TRPC_MAX_BATCH } from "../../server/trpc/batch-limit";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export function createClient() {
  return createTRPCClient<AppRouter>({
    // The custom header can only be sent by our own pages (cross-site it needs a CORS preflight): CSRF guard.
    links: [
      httpBatchLink({
        url: "/api/trpc",
        transformer: superjson,
        headers: { "x-sluice-csrf": "1" },
        maxItems: TRPC_MAX_BATCH,
      }),
    ],
  });
}
