import { z } from "zod";
import { archiveFlag } from "../../services/flags/archive-flag";
import { createFlag } from "../../services/flags/create-flag";
import {
  createFlagSchema,
  flagKeySchema,
  ruleSchema,
  saveSegmentSchema,
  updateFlagSchema,
} from "../../services/flags/flag-schemas";
import { setFlagKilled } from "../../services/flags/kill-flag";
import { getFlag, listFlagDebt, listFlags } from "../../services/flags/list-flags";
import { listSegments } from "../../services/flags/list-segments";
import { saveSegment } from "../../services/flags/save-segment";
import { updateFlag } from "../../services/flags/update-flag";
import { reason, text } from "../../validation/text";
import { procedureWith, router } from "../init";

const flagKey = z.strictObject({ key: flagKeySchema });

const expectedVersion = z.number().int().min(0).optional();
const debtDays = z.number().int().min(0).max(3650).optional();

/** Flags: reads for everyone signed in; edits for release managers and admins; the kill for on-call. */
export const flagsRouter = router({
  list: procedureWith("flags:read")
    .input(
      z
        .strictObject({
          service: text(200).optional(),
          includeArchived: z.boolean().optional(),
          olderThanDays: debtDays,
        })
        .optional(),
    )
    .query(({ ctx, input }) => listFlags(ctx.services, input)),
  get: procedureWith("flags:read")
    .input(flagKey)
    .query(({ ctx, input }) => getFlag(ctx.services, input.key)),
  debt: procedureWith("flags:read")
    .input(z.strictObject({ olderThanDays: debtDays }).optional())
    .query(({ ctx, input }) => listFlagDebt(ctx.services, input)),
  create: procedureWith("flags:manage")
    .input(createFlagSchema)
    .mutation(({ ctx, input }) => createFlag(ctx.services, ctx.actor, input)),
  update: procedureWith("flags:manage")
    .input(flagKey.extend({ expectedVersion, patch: updateFlagSchema }))
    .mutation(({ ctx, input }) =>
      updateFlag(ctx.services, ctx.actor, input.key, input.patch, { expectedVersion: input.expectedVersion }),
    ),
  setRules: procedureWith("flags:manage")
    .input(flagKey.extend({ expectedVersion, rules: z.array(ruleSchema).max(100) }))
    .mutation(({ ctx, input }) =>
      updateFlag(
        ctx.services,
        ctx.actor,
        input.key,
        { rules: input.rules },
        { expectedVersion: input.expectedVersion },
      ),
    ),
  kill: procedureWith("flags:kill")
    .input(flagKey.extend({ reason }))
    .mutation(({ ctx, input }) => setFlagKilled(ctx.services, ctx.actor, input.key, true, input.reason)),
  unkill: procedureWith("flags:kill")
    .input(flagKey.extend({ reason: reason.optional() }))
    .mutation(({ ctx, input }) => setFlagKilled(ctx.services, ctx.actor, input.key, false, input.reason)),
  archive: procedureWith("flags:archive")
    .input(flagKey.extend({ reason: reason.optional() }))
    .mutation(({ ctx, input }) => archiveFlag(ctx.services, ctx.actor, input.key, input.reason)),
  segments: procedureWith("flags:read").query(({ ctx }) => listSegments(ctx.services)),
  saveSegment: procedureWith("flags:manage")
    .input(saveSegmentSchema)
    .mutation(({ ctx, input }) => saveSegment(ctx.services, ctx.actor, input)),
});
