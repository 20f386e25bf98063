import { describe, expect, it } from "vitest";
import { RoomSequence } from "./room-sequence";

const event = (seq: number) => ({ seq, label: `e${seq}` });

function recorder() {
  const delivered: number[] = [];
  const sequence = new RoomSequence<{ seq: number }>((e) => delivered.push(e.seq));
  return { delivered, sequence };
}

describe("RoomSequence", () => {
  it("delivers nothing before the head is known, then only what follows it", () => {
    const { delivered, sequence } = recorder();
    expect(sequence.receive(event(4))).toBe(false);
    expect(sequence.receive(event(6))).toBe(false);
    expect(delivered).toEqual([]);
    sequence.startAfter(4);
    expect(delivered).toEqual([]);
    expect(sequence.hasGap).toBe(true);
    expect(sequence.receive(event(5))).toBe(false);
    expect(delivered).toEqual([5, 6]);
    expect(sequence.lastSeen).toBe(6);
  });

  it("drops copies, and holds an event back until the missing one before it arrives", () => {
    const { delivered, sequence } = recorder();
    sequence.startAfter(0);
    sequence.receive(event(1));
    expect(sequence.receive(event(3))).toBe(true);
    expect(delivered).toEqual([1]);
    for (const seq of [1, 2, 3, 2, 3]) sequence.receive(event(seq));
    expect(delivered).toEqual([1, 2, 3]);
    expect(sequence.hasGap).toBe(false);
  });

  it("after a reset, forgets what the refetch covered and goes on from the new head", () => {
    const { delivered, sequence } = recorder();
    sequence.startAfter(2);
    sequence.receive(event(9));
    sequence.receive(event(11));
    sequence.startAfter(10);
    expect(delivered).toEqual([11]);
    expect(sequence.hasGap).toBe(false);
  });
});
