import type { Verdict } from "../../../server/domain/analysis";

/** Verdicts are told by icon and word everywhere, never by colour alone. */
export const VERDICT_ICONS: Record<Verdict, string> = { pass: "✓", fail: "✗", inconclusive: "?" };
