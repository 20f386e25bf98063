// Used by the browser (app/_lib/socket.ts) and by tests; pure, no server-only imports.

/**
 * One room's events in number order, each delivered once. The server numbers a room's events 1, 2, 3…
 * without gaps; copies (a live event also sent in a replay) are dropped, and an event that arrives
 * ahead of a missing one waits until the gap is filled by a replay.
 */
export class RoomSequence<E extends { seq: number }> {
  private last: number | null = null;
  private readonly waiting = new Map<number, E>();

  constructor(private readonly deliver: (event: E) => void) {}

  /** The number of the last event delivered; null until the room's head is known. */
  get lastSeen(): number | null {
    return this.last;
  }

  /** Whether events wait behind a missing one (the owner should ask for a replay). */
  get hasGap(): boolean {
    return this.waiting.size > 0;
  }

  /** Continue after `head`: at the first join, or after a refetch replaced what was missed. */
  startAfter(head: number): void {
    this.last = head;
    for (const seq of this.waiting.keys()) if (seq <= head) this.waiting.delete(seq);
    this.drain();
  }

  /** Accepts a live or replayed event; returns true when it revealed a gap. */
  receive(event: E): boolean {
    if (this.last !== null && event.seq <= this.last) return false;
    this.waiting.set(event.seq, event);
    if (this.last === null) return false;
    this.drain();
    return this.hasGap;
  }

  private drain(): void {
    if (this.last === null) return;
    for (let next = this.waiting.get(this.last + 1); next; next = this.waiting.get(this.last + 1)) {
      this.waiting.delete(next.seq);
      this.last = next.seq;
      this.deliver(next);
    }
  }
}
