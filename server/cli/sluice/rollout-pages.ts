import type { ApiClient } from "./api-client";
import type { RolloutJson, RolloutState } from "./api-types";

export interface RolloutQuery {
  service?: string;
  states?: readonly RolloutState[];
}

/** The API's largest page. */
const PAGE = 500;

/**
 * Rollouts matching the query, newest first, read page by page until `max` are in hand; `more` says
 * the server holds older ones beyond them.
 */
export async function fetchRollouts(
  client: ApiClient,
  query: RolloutQuery,
  max = Number.POSITIVE_INFINITY,
): Promise<{ rollouts: RolloutJson[]; more: boolean }> {
  const rollouts: RolloutJson[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ limit: String(Math.min(PAGE, max - rollouts.length)) });
    if (query.service !== undefined) params.set("service", query.service);
    if (query.states?.length) params.set("state", query.states.join(","));
    if (cursor) params.set("cursor", cursor);
    const page: { rollouts: RolloutJson[]; nextCursor: string | null } = await client.get(
      `/rollouts?${params}`,
    );
    rollouts.push(...page.rollouts);
    cursor = page.nextCursor;
  } while (cursor && rollouts.length < max);
  return { rollouts, more: cursor !== null };
}
