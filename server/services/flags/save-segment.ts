import { asJson } from "../../db/json";
import { checkSegment, type SegmentDefinition } from "../../domain/flags";
import type { CommandActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { parseInput, type SaveSegmentInput, saveSegmentSchema } from "./flag-schemas";

/**
 * Creates or replaces a segment. Every flag naming it sees the change at its next evaluation. Audited
 * under the flag target type as `segment:<key>` (segments have no audit target type of their own).
 */
export async function saveSegment(
  ctx: ServiceContext,
  actor: CommandActor,
  input: SaveSegmentInput,
): Promise<SegmentDefinition & { description: string; version: number }> {
  const parsed = parseInput(saveSegmentSchema, input);
  const includedKeys = [...new Set(parsed.includedKeys)];
  checkSegment({ includedKeys, rules: parsed.rules });
  const now = ctx.now();
  const saved = await ctx.db.$transaction(async (tx) => {
    const before = await tx.segment.findUnique({
      where: { key: parsed.key },
      select: { description: true, includedKeys: true, rules: true, version: true },
    });
    const data = {
      includedKeys,
      rules: asJson(parsed.rules),
      description: parsed.description ?? before?.description ?? "",
    };
    const row = await tx.segment.upsert({
      where: { key: parsed.key },
      create: { key: parsed.key, ...data, createdAt: now },
      update: { ...data, version: { increment: 1 } },
      select: { key: true, description: true, includedKeys: true, rules: true, version: true },
    });
    await recordAuditEvent(tx, {
      actor,
      action: before ? "segment.updated" : "segment.created",
      targetType: "flag",
      targetId: `segment:${parsed.key}`,
      ...(before ? { before: asJson(before) } : {}),
      after: asJson({ description: row.description, includedKeys, rules: parsed.rules }),
      at: now,
    });
    return row;
  });
  ctx.events.publish("flag.changed", { kind: "segment", key: saved.key, version: saved.version });
  return { ...saved, rules: parsed.rules };
}
