import { encodeUtf8Into } from "./utf8";

/** Strings are encoded here before hashing; hashing is synchronous, so one buffer serves every call. */
let scratch = new Uint8Array(256);

/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby, public domain), the hash Unleash SDKs use for
 * sticky bucketing. Input is processed as little-endian 4-byte blocks, then a 1–3 byte tail, then
 * the length and an avalanche finaliser. Strings are hashed as their UTF-8 bytes (like the Java, Go
 * and Rust SDKs); the Node SDK's murmurhash3js truncates UTF-16 code units, so it only agrees with
 * this for ASCII keys. Returns an unsigned 32-bit integer.
 */
export function murmur3x86_32(input: string | Uint8Array, seed = 0): number {
  if (typeof input !== "string") return hashBytes(input, input.length, seed);
  if (scratch.length < input.length * 3) scratch = new Uint8Array(input.length * 3);
  return hashBytes(scratch, encodeUtf8Into(input, scratch), seed);
}

function hashBytes(bytes: Uint8Array, length: number, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const blockEnd = length - (length & 3);
  let h = seed >>> 0;

  for (let i = 0; i < blockEnd; i += 4) {
    let k =
      (bytes[i] ?? 0) |
      ((bytes[i + 1] ?? 0) << 8) |
      ((bytes[i + 2] ?? 0) << 16) |
      ((bytes[i + 3] ?? 0) << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }

  // Tail: the remaining 1–3 bytes, mixed like a block but without the h rotation.
  const rest = length & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= (bytes[blockEnd + 2] ?? 0) << 16;
    if (rest >= 2) k ^= (bytes[blockEnd + 1] ?? 0) << 8;
    k ^= bytes[blockEnd] ?? 0;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }

  // Finaliser: forces every input bit to affect every output bit.
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
