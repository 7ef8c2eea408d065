// The measured side of the import-cost benchmark (scripts/bench/import.mjs): does nothing, or imports the package
// the way a user does (`import('filemapping')`, resolved here as a self-reference through package.json "exports"),
// or also makes the first section; prints one JSON line of times in ms measured in this process.
//   import-probe.mjs none|import|create
const mode = process.argv[2];
// performance.now() counts from the process's start: this is how long Node took to reach this script.
const startupMs = performance.now();
let importMs = 0;
let createMs = 0;
if (mode === 'import' || mode === 'create') {
  const start = performance.now();
  const { FileMapping } = await import('filemapping');
  importMs = performance.now() - start;
  if (mode === 'create') {
    // The first create loads koffi and the OS's library (the import does not), then creates, maps, unmaps, closes.
    const first = performance.now();
    const mapping = FileMapping.create({ size: 65536 });
    mapping.map().unmap();
    mapping.close();
    createMs = performance.now() - first;
  }
} else if (mode !== 'none') {
  throw new Error('usage: import-probe.mjs none|import|create');
}
console.log(JSON.stringify({ mode, startupMs, importMs, createMs, totalMs: performance.now() }));
