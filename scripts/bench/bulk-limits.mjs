// The single-process side of the bulk-transfer benchmark (bulk-peer.mjs local): what one thread of the measured Node
// does on the same machine over the same number of chunks, as the limits the transfers are compared with.
import { CHUNK, fillChunk, sum32 } from './bulk-data.mjs';

/**
 * The single-process limits over the same number of chunks: Buffer.copy of the pattern into a ring of slots chunks
 * (the zero-copy section's footprint, which stays in cache), Buffer.copy between two 256 MiB regions (beyond any
 * cache: memory bandwidth), the checksum alone, and copy then checksum one after the other (one process doing both
 * sides' work of (a)).
 */
export function singleProcessLimits(pattern, chunks, slots) {
  const rate = (work) => {
    work(Math.min(chunks, 64)); // warm-up: JIT, and the pages touched once
    const start = performance.now();
    work(chunks);
    return (chunks * CHUNK) / 1e9 / ((performance.now() - start) / 1000);
  };
  const ring = Buffer.allocUnsafeSlow(slots * CHUNK);
  for (let i = 0; i < slots; i++) fillChunk(pattern, ring, i * CHUNK, i);
  const region = 256;
  const from = Buffer.allocUnsafeSlow(region * CHUNK).fill(1);
  const to = Buffer.allocUnsafeSlow(region * CHUNK).fill(2);
  let sink = 0;
  return {
    copyCachedGBps: rate((n) => {
      for (let i = 0; i < n; i++) fillChunk(pattern, ring, (i % slots) * CHUNK, i);
    }),
    copyMemoryGBps: rate((n) => {
      for (let i = 0; i < n; i++) from.copy(to, (i % region) * CHUNK, ((i * 7) % region) * CHUNK, ((i * 7) % region) * CHUNK + CHUNK);
    }),
    checksumGBps: rate((n) => {
      for (let i = 0; i < n; i++) sink ^= sum32(ring, (i % slots) * CHUNK, CHUNK);
    }),
    // How a Channel receive copies a message out of its ring (Buffer.from of a subarray; in the ring a payload starts
    // 4 bytes after its length, here at offset 68) against allocating a Buffer and copying into it.
    channelCopyOutGBps: rate((n) => {
      for (let i = 0; i < n; i++) sink ^= Buffer.from(ring.subarray(68, 68 + CHUNK))[i & 1023];
    }),
    allocAndCopyGBps: rate((n) => {
      for (let i = 0; i < n; i++) {
        const copy = Buffer.allocUnsafeSlow(CHUNK);
        ring.copy(copy, 0, 68, 68 + CHUNK);
        sink ^= copy[i & 1023];
      }
    }),
    copyThenChecksumGBps: rate((n) => {
      for (let i = 0; i < n; i++) {
        fillChunk(pattern, ring, (i % slots) * CHUNK, i);
        sink ^= sum32(ring, (i % slots) * CHUNK, CHUNK);
      }
    }),
    sink,
  };
}
