/** Most calls one tRPC batch may carry: the server refuses more, and the dashboard's link never sends more. */
export const TRPC_MAX_BATCH = 50;
