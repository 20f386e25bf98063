import type { IncomingMessage, ServerResponse } from "node:http";
import { pendingMigrations } from "../db/migrate";
import type { ServiceContext } from "../services/context";

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

/**
 * For load balancers: /healthz says the process is up; /readyz says it can serve — the database answers
 * and every committed migration is applied — and 503 with the reason when not. Both say whether this
 * instance leads the background loops (a follower is just as ready: leadership is not readiness).
 */
export function createHealthHandler(deps: {
  services: ServiceContext;
  databaseUrl: string;
  isLeader?: () => boolean;
}) {
  const role = () => (deps.isLeader?.() ? "leader" : "follower");
  return async (_req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (path === "/healthz") return json(res, 200, { status: "ok", role: role() });
    try {
      await deps.services.db.$queryRaw`SELECT 1`;
      const pending = await pendingMigrations(deps.databaseUrl);
      if (pending.length > 0)
        return json(res, 503, {
          status: "unready",
          reason: `migrations pending: ${pending.join(", ")}`,
          role: role(),
        });
      return json(res, 200, { status: "ready", database: "ok", migrations: "current", role: role() });
    } catch {
      return json(res, 503, { status: "unready", reason: "database unreachable", role: role() });
    }
  };
}
