import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { murmur3x86_32 } from "./murmur3";
import { encodeUtf8Into } from "./utf8";

function encodeUtf8(text: string): number[] {
  const out = new Uint8Array(text.length * 3);
  return Array.from(out.subarray(0, encodeUtf8Into(text, out)));
}

describe("murmur3x86_32", () => {
  // Published MurmurHash3_x86_32 vectors (SMHasher reference), cross-checked against a C build of
  // the reference implementation.
  it.each([
    ["", 0, 0x00000000],
    ["", 1, 0x514e28b7],
    ["", 0xffffffff, 0x81f16f39],
    ["hello", 0, 0x248bfa47],
    ["abc", 0, 0xb3dd93fa],
    ["a", 0x9747b28c, 0x7fa09ea6],
    ["ab", 0x9747b28c, 0x74875592],
    ["abcd", 0x9747b28c, 0xf0478627],
    ["aaaa", 0x9747b28c, 0x5a97808a],
    ["Hello, world!", 0x9747b28c, 0x24884cba],
    ["The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2fa826cd],
  ])("hashes %j with seed %i", (input, seed, expected) => {
    expect(murmur3x86_32(input, seed)).toBe(expected);
  });

  it("hashes the UTF-8 bytes, not UTF-16 code units", () => {
    // "π" is U+03C0, UTF-8 CF 80: eight of them are 16 bytes (four full blocks).
    expect(murmur3x86_32("ππππππππ", 0x9747b28c)).toBe(0xd58063c1);
    expect(murmur3x86_32(new Uint8Array([0, 0, 0, 0]), 0)).toBe(0x2362f9de);
  });

  it("gives the same hash for a string and its UTF-8 bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.integer({ min: 0, max: 0xffffffff }), (s, seed) => {
        expect(murmur3x86_32(s, seed)).toBe(murmur3x86_32(new TextEncoder().encode(s), seed));
      }),
    );
  });
});

describe("encodeUtf8", () => {
  it("matches TextEncoder, lone surrogates included", () => {
    const anyCodeUnits = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
      .map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(fc.oneof(anyCodeUnits, fc.string({ unit: "binary" })), (s) => {
        expect(encodeUtf8(s)).toEqual(Array.from(new TextEncoder().encode(s)));
      }),
      { numRuns: 500 },
    );
  });

  it("encodes 1- to 4-byte sequences", () => {
    expect(encodeUtf8("a\u00e9\u20ac\u{1f600}")).toEqual([
      0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80,
    ]);
  });
});
