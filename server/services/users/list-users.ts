import type { ServiceContext } from "../context";

/** Every account with its role; never the password hash. */
export function listUsers(ctx: ServiceContext) {
  return ctx.db.user.findMany({
    select: { id: true, email: true, name: true, role: true, createdAt: true },
    orderBy: { email: "asc" },
  });
}
