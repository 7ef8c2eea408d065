// The TypeScript side of the binding-overhead benchmark: the loops of binding.linux.c or binding.windows.c through
// filemapping's idiomatic layer and through its raw layer (peer-os.mjs). Prints one JSON line of ns per operation.
// Usage: binding-ts.mjs ITERATIONS
import { FileMapping } from '../../dist/index.js';
import { rawSection } from './peer-os.mjs';

const iterations = Number(process.argv[2] ?? 100000);
const size = 64 * 1024;
const time = (loop) => {
  loop(Math.min(iterations, 2000)); // warm-up: JIT and koffi's call paths
  const start = process.hrtime.bigint();
  loop(iterations);
  return Number(process.hrtime.bigint() - start) / iterations;
};

// The view's memory is not touched in the loops the targets are about, as in C's: under Wine the first write to a new
// view is a page fault Wine serves in 30 to 250 us, varying from process to process far more than the binding's cost
// (natively it is about a microsecond, still the largest part of a map+unmap).
// mapUnmapTouchedNs, the same with one byte written, is reported beside them.
const section = FileMapping.create({ size });
const mapUnmapNs = time((n) => {
  for (let i = 0; i < n; i++) section.map().unmap();
});
const mapUnmapTouchedNs = time((n) => {
  for (let i = 0; i < n; i++) {
    const view = section.map();
    view.buffer[0] = i & 0xff;
    view.unmap();
  }
});
section.close();
const createMapUnmapCloseNs = time((n) => {
  for (let i = 0; i < n; i++) {
    const mapping = FileMapping.create({ size });
    mapping.map().unmap();
    mapping.close();
  }
});
const raw = await rawSection(size);
const rawMapUnmapNs = time((n) => {
  for (let i = 0; i < n; i++) raw.mapUnmap();
});
raw.close();
console.log(JSON.stringify({ mapUnmapNs, mapUnmapTouchedNs, createMapUnmapCloseNs, rawMapUnmapNs }));
