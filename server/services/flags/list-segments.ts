import type { TargetingRule } from "../../domain/flags";
import type { ServiceContext } from "../context";
import { segmentsNamed } from "./flag-rows";

/** Every segment, by key, with the unarchived flags whose rules name it. */
export async function listSegments(ctx: ServiceContext) {
  const [segments, flags] = await Promise.all([
    ctx.db.segment.findMany({
      select: {
        key: true,
        description: true,
        includedKeys: true,
        rules: true,
        version: true,
        updatedAt: true,
      },
      orderBy: { key: "asc" },
    }),
    ctx.db.flag.findMany({
      where: { archivedAt: null },
      select: { key: true, rules: true },
      orderBy: { key: "asc" },
    }),
  ]);
  const named = flags.map((f) => ({
    key: f.key,
    segments: segmentsNamed(f.rules as unknown as TargetingRule[]),
  }));
  return segments.map((segment) => ({
    ...segment,
    usedBy: named.filter((f) => f.segments.includes(segment.key)).map((f) => f.key),
  }));
}
