// The data of the bulk-transfer benchmark, the same for every method: messages of SIZE bytes (a multiple of 4, up to
// MAX_MESSAGE) made from one pseudo-random pattern with the message's index in its first 32-bit word, and a checksum
// that is the sum of the message's 32-bit words (mod 2^32). The receiver knows the pattern, so it checks every
// message it gets against the sum it expects for that index (corruption, loss, duplication and reordering all show)
// without the sender computing anything.

/** The message size of the main table: 1 MiB. */
export const CHUNK = 1 << 20;
/** The largest message of the size sweep. */
export const MAX_MESSAGE = 4 << 20;

/** The pattern (xorshift32 from a fixed seed: both processes build the same one). */
export function makePattern() {
  const pattern = Buffer.allocUnsafeSlow(MAX_MESSAGE);
  const words = new Int32Array(pattern.buffer, pattern.byteOffset, MAX_MESSAGE / 4);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return pattern;
}

/** Makes message `index` of `size` bytes in `target` at `offset`: the pattern, then the index over its first word. */
export function fillChunk(pattern, target, offset, index, size = CHUNK) {
  pattern.copy(target, offset, 0, size);
  target.writeInt32LE(index | 0, offset);
}

const scratch = Buffer.allocUnsafeSlow(MAX_MESSAGE);

/**
 * The sum of the 32-bit little-endian words of bytes[offset, offset + length), length a multiple of 4. Four
 * accumulators so that the loop is not one long dependency chain. Memory not 4-byte aligned is copied first (an
 * Int32Array needs an aligned start); `unaligned` counts how often that happened.
 */
export function sum32(bytes, offset = 0, length = bytes.length - offset) {
  let start = bytes.byteOffset + offset;
  let memory = bytes.buffer;
  if (start & 3) {
    sum32.unaligned++;
    bytes.copy(scratch, 0, offset, offset + length);
    memory = scratch.buffer;
    start = scratch.byteOffset;
  }
  const words = new Int32Array(memory, start, length >>> 2);
  const n = words.length & ~3;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let i = 0; i < n; i += 4) {
    a = (a + words[i]) | 0;
    b = (b + words[i + 1]) | 0;
    c = (c + words[i + 2]) | 0;
    d = (d + words[i + 3]) | 0;
  }
  for (let i = n; i < words.length; i++) a = (a + words[i]) | 0;
  return (a + b + c + d) | 0;
}
sum32.unaligned = 0;

/** What sum32 of message `index` of `size` bytes must be. */
export function expectedSum(pattern, size = CHUNK) {
  const base = (sum32(pattern, 0, size) - pattern.readInt32LE(0)) | 0;
  return (index) => (base + index) | 0;
}

/** Throws when a received chunk's checksum is not the one chunk `index` has. */
export function verify(sum, index, expected) {
  if (sum !== expected(index)) throw new Error(`message ${index}: checksum ${sum >>> 0} where ${expected(index) >>> 0} was sent`);
}

/** Runs fillChunk and sum32 until the JIT has compiled them, so that no method pays for the warm-up in its time. */
export function warmUp(pattern) {
  const target = Buffer.allocUnsafeSlow(CHUNK);
  let sink = 0;
  for (let i = 0; i < 32; i++) {
    fillChunk(pattern, target, 0, i);
    sink ^= sum32(target);
    // Small messages too, so that the loops are compiled for both shapes.
    for (let j = 0; j < 64; j++) fillChunk(pattern, target, j * 64, i, 64);
    sink ^= sum32(target, 0, 4096);
  }
  return sink;
}
