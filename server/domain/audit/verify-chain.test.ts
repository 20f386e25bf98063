// biome-ignore lint/style/noRestrictedImports: the test injects the platform sha256, as the audit service does
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditEventCsvRow, csvCell } from "./audit-csv";
import { canonicalJson } from "./canonical-json";
import { type AuditEventContent, canonicalEventText, GENESIS_HASH, hashAuditEvent } from "./hash-chain";
import { type ChainedEvent, verifyChain, verifyRange } from "./verify-chain";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function content(id: number, overrides: Partial<AuditEventContent> = {}): AuditEventContent {
  return {
    id: String(id),
    at: new Date(Date.UTC(2026, 10, 27, 10, 0, id)),
    actor: "operator:alice",
    action: "rollout.paused",
    targetType: "rollout",
    targetId: "r1",
    reason: `drill ${id}`,
    before: { state: "running", exposurePercent: 5 },
    after: { state: "paused", exposurePercent: 5 },
    ...overrides,
  };
}

/** A valid chain over the given ids (gaps allowed), as recordAuditEvent would write it. */
function chain(ids: number[]): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  for (const id of ids) {
    const prevHash = events.at(-1)?.hash ?? GENESIS_HASH;
    const event = content(id);
    events.push({ ...event, prevHash, hash: hashAuditEvent(sha256, event, prevHash) });
  }
  return events;
}

describe("canonical form", () => {
  it("sorts keys at every depth and ignores undefined, so jsonb's reordering does not change the hash", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: undefined, x: "é" }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":"é","z":0}]},"b":1}',
    );
    const a = content(1, { before: { a: 1, b: 2 } });
    const b = content(1, { before: { b: 2, a: 1 } });
    expect(canonicalEventText(a, GENESIS_HASH)).toBe(canonicalEventText(b, GENESIS_HASH));
  });

  it("hashes every field, the id and the previous hash", () => {
    const base = hashAuditEvent(sha256, content(1), GENESIS_HASH);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const variants: Partial<AuditEventContent>[] = [
      { id: "2" },
      { at: new Date(0) },
      { actor: "operator:bob" },
      { action: "rollout.killed" },
      { targetType: "flag" },
      { targetId: "r2" },
      { reason: null },
      { before: null },
      { after: { state: "paused", exposurePercent: 0 } },
    ];
    for (const change of variants)
      expect(hashAuditEvent(sha256, content(1, change), GENESIS_HASH)).not.toBe(base);
    expect(hashAuditEvent(sha256, content(1), "f".repeat(64))).not.toBe(base);
  });

  it("treats missing before/after as null and Dates inside JSON as their ISO text, as the database stores them", () => {
    const at = new Date("2026-11-27T10:00:00.000Z");
    expect(hashAuditEvent(sha256, content(1, { before: undefined }), GENESIS_HASH)).toBe(
      hashAuditEvent(sha256, content(1, { before: null }), GENESIS_HASH),
    );
    expect(hashAuditEvent(sha256, content(1, { after: { at } }), GENESIS_HASH)).toBe(
      hashAuditEvent(sha256, content(1, { after: { at: at.toISOString() } }), GENESIS_HASH),
    );
  });
});

describe("verifyChain", () => {
  it("accepts an intact chain with id gaps and names its head", () => {
    const events = chain([1, 2, 5, 9, 10]);
    expect(verifyChain(sha256, events)).toEqual({
      ok: true,
      checked: 5,
      unchained: 0,
      head: { id: "10", hash: events[4]?.hash },
    });
    expect(verifyChain(sha256, [])).toEqual({ ok: true, checked: 0, unchained: 0, head: null });
  });

  it("names an edited event", () => {
    const events = chain([1, 2, 3, 4]);
    events[2] = { ...(events[2] as ChainedEvent), reason: "nothing to see" };
    expect(verifyChain(sha256, events)).toMatchObject({
      ok: false,
      checked: 2,
      broken: { id: "3", kind: "edited" },
    });
  });

  it("names the event after a deleted one", () => {
    const events = chain([1, 2, 3, 4]);
    events.splice(1, 1);
    expect(verifyChain(sha256, events)).toMatchObject({
      ok: false,
      broken: { id: "3", kind: "link-broken" },
    });
  });

  it("names the first event when the oldest events were deleted", () => {
    const events = chain([1, 2, 3]).slice(1);
    expect(verifyChain(sha256, events)).toMatchObject({
      ok: false,
      broken: { id: "2", kind: "link-broken", message: expect.stringContaining("the start of the chain") },
    });
  });

  it("names the first of two events whose contents were swapped", () => {
    const events = chain([1, 2, 3, 4]);
    const [a, b] = [events[1] as ChainedEvent, events[2] as ChainedEvent];
    events[1] = { ...b, id: a.id };
    events[2] = { ...a, id: b.id };
    expect(verifyChain(sha256, events)).toMatchObject({ ok: false, broken: { id: "2", kind: "edited" } });
  });

  it("names an event re-hashed after an edit by the link that no longer holds", () => {
    const events = chain([1, 2, 3]);
    const edited = { ...(events[1] as ChainedEvent), reason: "rewritten" };
    edited.hash = hashAuditEvent(sha256, edited, edited.prevHash as string);
    events[1] = edited;
    expect(verifyChain(sha256, events)).toMatchObject({
      ok: false,
      broken: { id: "3", kind: "link-broken" },
    });
  });

  it("accepts events from before chaining only at the start", () => {
    const legacy: ChainedEvent[] = [1, 2].map((id) => ({ ...content(id), prevHash: null, hash: null }));
    const chained = chain([3, 4]);
    expect(verifyChain(sha256, [...legacy, ...chained])).toMatchObject({
      ok: true,
      checked: 2,
      unchained: 2,
    });
    const stripped = { ...(chained[1] as ChainedEvent), hash: null };
    expect(verifyChain(sha256, [...legacy, chained[0] as ChainedEvent, stripped])).toMatchObject({
      ok: false,
      broken: { id: "4", kind: "unhashed" },
    });
  });
});

describe("verifyRange", () => {
  it("says a contiguous range verifies on its own and a filtered one has gaps", () => {
    const events = chain([1, 2, 3, 4, 5]);
    expect(verifyRange(sha256, events)).toMatchObject({
      events: 5,
      firstId: "1",
      lastId: "5",
      contentIntact: true,
      links: 4,
      gaps: 0,
      linksIntact: true,
    });
    const filtered = [events[0], events[2], events[3]] as ChainedEvent[];
    expect(verifyRange(sha256, filtered)).toMatchObject({
      contentIntact: true,
      links: 1,
      gaps: 1,
      linksIntact: false,
    });
    const edited = [...events];
    edited[3] = { ...(edited[3] as ChainedEvent), actor: "admin:mallory" };
    expect(verifyRange(sha256, edited)).toMatchObject({ contentIntact: false, firstEditedId: "4" });
  });
});

describe("CSV", () => {
  it("quotes, doubles quotes, keeps line breaks inside a cell and guards formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(null)).toBe("");
    expect(csvCell('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    for (const start of ["+1", "-1", "@SUM(A1)", "\tx"]) expect(csvCell(start)).toBe(`'${start}`);
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes one row per event with canonical JSON for before and after", () => {
    const [event] = chain([7]) as [ChainedEvent];
    const row = auditEventCsvRow({ ...event, reason: "=1+1, really" });
    expect(row).toBe(
      `7,2026-11-27T10:00:07.000Z,operator:alice,rollout.paused,rollout,r1,"'=1+1, really",` +
        `"{""exposurePercent"":5,""state"":""running""}","{""exposurePercent"":5,""state"":""paused""}",` +
        `${event.prevHash},${event.hash}\r\n`,
    );
  });
});
