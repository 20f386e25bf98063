import { z } from "zod";
import { personalDataReader } from "../../auth/permissions";
import { auditCursorSchema, auditFilterSchema } from "../../services/audit/audit-filter";
import { exportAuditEvents } from "../../services/audit/export-audit-events";
import { browseAuditEvents } from "../../services/audit/list-audit-events";
import { verifyAuditChain } from "../../services/audit/verify-audit-chain";
import { procedureWith, router } from "../init";

/** The audit history: every role reads it and can check its chain; auditors and admins export it. */
export const auditRouter = router({
  list: procedureWith("audit:read")
    .input(
      auditFilterSchema
        .extend({
          cursor: auditCursorSchema.nullish(),
          limit: z.number().int().min(1).max(200).default(50),
          // tRPC's infinite queries send which way they page; pages here only go to older events.
          direction: z.enum(["forward", "backward"]).optional(),
        })
        .strict(),
    )
    .query(({ ctx, input: { direction: _direction, ...filter } }) =>
      browseAuditEvents(
        ctx.services,
        { ...filter, cursor: filter.cursor ?? undefined },
        personalDataReader(ctx.actor),
      ),
    ),
  verify: procedureWith("audit:read").query(({ ctx }) => verifyAuditChain(ctx.services)),
  export: procedureWith("audit:export")
    .input(auditFilterSchema.extend({ format: z.enum(["csv", "json"]) }).strict())
    .query(({ ctx, input }) => {
      const { format, ...filter } = input;
      return exportAuditEvents(ctx.services, filter, format);
    }),
});
