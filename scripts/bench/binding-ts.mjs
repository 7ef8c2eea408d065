// The TypeScript side of the binding-overhead benchmark: the loops of binding.c through filemapping's idiomatic
// layer and through its raw layer. Prints one JSON line of ns per operation.
// Usage: binding-ts.mjs ITERATIONS
import { FileMapping } from '../../dist/index.js';
import { CloseHandle, CreateFileMappingW, FILE_MAP_WRITE, INVALID_HANDLE_VALUE, MapViewOfFile, PAGE_READWRITE, UnmapViewOfFile } from '../../dist/win32/index.js';

const iterations = Number(process.argv[2] ?? 100000);
const size = 64 * 1024;
const time = (loop) => {
  loop(Math.min(iterations, 2000)); // warm-up: JIT and koffi's call paths
  const start = process.hrtime.bigint();
  loop(iterations);
  return Number(process.hrtime.bigint() - start) / iterations;
};

// The view's memory is not touched in the loops the targets are about, as in C's: under Wine the first write to a new
// view is a page fault Wine serves in 30 to 250 us, varying from process to process far more than the binding's cost.
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
const rawSection = CreateFileMappingW(INVALID_HANDLE_VALUE, null, PAGE_READWRITE, 0, size, null);
const rawMapUnmapNs = time((n) => {
  for (let i = 0; i < n; i++) {
    const address = MapViewOfFile(rawSection, FILE_MAP_WRITE, 0, 0, 0);
    UnmapViewOfFile(address);
  }
});
CloseHandle(rawSection);
console.log(JSON.stringify({ mapUnmapNs, mapUnmapTouchedNs, createMapUnmapCloseNs, rawMapUnmapNs }));
