import { type ChainVerification, createChainVerifier } from "../../domain/audit";
import type { ServiceContext } from "../context";
import { auditEventSelect } from "./list-audit-events";
import { sha256Hex } from "./sha256";

export const VERIFY_BATCH_SIZE = 5_000;

export interface AuditChainReport {
  verifiedAt: Date;
  result: ChainVerification;
}

/**
 * Walks the whole chain in id order, reading batches of 5,000 events, and stops at the first break.
 * Events appended during the walk are simply included: ids are drawn under the append lock, so no
 * event can commit behind the walk's position.
 */
export async function verifyAuditChain(
  ctx: ServiceContext,
  batchSize = VERIFY_BATCH_SIZE,
): Promise<AuditChainReport> {
  const verifier = createChainVerifier(sha256Hex);
  let after: bigint | undefined;
  for (;;) {
    const rows = await ctx.db.auditEvent.findMany({
      where: after === undefined ? {} : { id: { gt: after } },
      orderBy: { id: "asc" },
      take: batchSize,
      select: auditEventSelect,
    });
    for (const row of rows) if (verifier.push({ ...row, id: row.id.toString() })) return done();
    const last = rows.at(-1);
    if (!last || rows.length < batchSize) return done();
    after = last.id;
  }

  function done(): AuditChainReport {
    return { verifiedAt: ctx.now(), result: verifier.result() };
  }
}
