import { type AuditEventContent, GENESIS_HASH, hashAuditEvent, type Sha256Hex } from "./hash-chain";

/** A stored event with its chain columns; both are null for events recorded before chaining began. */
export interface ChainedEvent extends AuditEventContent {
  prevHash: string | null;
  hash: string | null;
}

export type ChainBreakKind = "edited" | "link-broken" | "unhashed";

export interface ChainBreak {
  id: string;
  kind: ChainBreakKind;
  message: string;
}

export type ChainVerification =
  | {
      ok: true;
      /** Chained events checked. */
      checked: number;
      /** Events from before chaining began (no hash), all at the start of the history. */
      unchained: number;
      /** The newest event and its hash: record it elsewhere to detect a later rewrite of the tail. */
      head: { id: string; hash: string } | null;
    }
  | { ok: false; checked: number; unchained: number; broken: ChainBreak };

/**
 * Walks the chain one event at a time, in id order, so a caller can stream a large history in
 * batches. `push` returns the first break and ignores everything after it.
 */
export function createChainVerifier(sha256: Sha256Hex) {
  let checked = 0;
  let unchained = 0;
  let previous: { id: string; hash: string } | null = null;
  let broken: ChainBreak | null = null;

  function check(event: ChainedEvent): ChainBreak | null {
    if (event.hash === null || event.prevHash === null) {
      if (previous === null) {
        unchained += 1;
        return null;
      }
      return {
        id: event.id,
        kind: "unhashed",
        message: `event #${event.id} has no hash although the chain began before it: its hash was removed`,
      };
    }
    if (hashAuditEvent(sha256, event, event.prevHash) !== event.hash) {
      return {
        id: event.id,
        kind: "edited",
        message: `event #${event.id}'s content does not match its hash: it was edited (or swapped with another)`,
      };
    }
    const expected = previous?.hash ?? GENESIS_HASH;
    if (event.prevHash !== expected) {
      const before = previous ? `event #${previous.id}` : "the start of the chain";
      return {
        id: event.id,
        kind: "link-broken",
        message: `event #${event.id} does not follow ${before}: an event before it was deleted, inserted or reordered`,
      };
    }
    return null;
  }

  return {
    push(event: ChainedEvent): ChainBreak | null {
      if (broken) return broken;
      broken = check(event);
      if (!broken && event.hash !== null) {
        checked += 1;
        previous = { id: event.id, hash: event.hash };
      }
      return broken;
    },
    result(): ChainVerification {
      if (broken) return { ok: false, checked, unchained, broken };
      return { ok: true, checked, unchained, head: previous };
    },
  };
}

export function verifyChain(sha256: Sha256Hex, events: Iterable<ChainedEvent>): ChainVerification {
  const verifier = createChainVerifier(sha256);
  for (const event of events) if (verifier.push(event)) break;
  return verifier.result();
}

/**
 * What an exported range says about itself, without the rest of the chain: whether each event still
 * matches its hash, and whether consecutive events link directly. A filtered range has gaps (the
 * events it leaves out), so its links are intact only when it is contiguous.
 */
export interface RangeVerification {
  events: number;
  firstId: string | null;
  lastId: string | null;
  /** Every event's content matches its own hash. */
  contentIntact: boolean;
  firstEditedId: string | null;
  /** Consecutive pairs that link directly (the later one's previous hash is the earlier one's hash). */
  links: number;
  /** Consecutive pairs that do not: events in between were filtered out (or removed). */
  gaps: number;
  /** Content intact and no gaps: the range verifies on its own. */
  linksIntact: boolean;
}

export function verifyRange(sha256: Sha256Hex, events: readonly ChainedEvent[]): RangeVerification {
  let firstEditedId: string | null = null;
  let links = 0;
  let gaps = 0;
  events.forEach((event, i) => {
    const intact = event.hash !== null && event.prevHash !== null;
    if (
      firstEditedId === null &&
      (!intact || hashAuditEvent(sha256, event, event.prevHash ?? "") !== event.hash)
    )
      firstEditedId = event.id;
    const previous = events[i - 1];
    if (previous) {
      if (intact && previous.hash !== null && event.prevHash === previous.hash) links += 1;
      else gaps += 1;
    }
  });
  return {
    events: events.length,
    firstId: events[0]?.id ?? null,
    lastId: events.at(-1)?.id ?? null,
    contentIntact: firstEditedId === null,
    firstEditedId,
    links,
    gaps,
    linksIntact: firstEditedId === null && gaps === 0,
  };
}
