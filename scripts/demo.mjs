// The demo (`npm run demo`): the Win32 "Creating Named Shared Memory" sample as two Windows processes.
//
// Starts examples/process1.mjs (creates a named section and writes a message) and examples/process2.mjs (opens it
// read-only and prints the message) at the same time, waits for both and prints what each said. On Linux they run in
// the Windows build of Node under Wine, provisioned by scripts/windows-runtime.mjs (the first Node version it
// provisions); on Windows, in this very node.exe (process.execPath). Exits non-zero if either process fails.
//
// Usage: node scripts/demo.mjs [NAME]      NAME defaults to Local\MyFileMapping; `npm run demo` builds first.
//        node scripts/demo.mjs jobs [NAME]  the job queue over Channel instead (examples/job-queue.mjs, producer and
//                                           worker); `npm run demo -- jobs`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { provision, ROOT } from './windows-runtime.mjs';

const jobs = process.argv[2] === 'jobs';
const name = (jobs ? process.argv[3] : process.argv[2]) ?? (jobs ? `Local\\filemapping-jobs-${process.pid}` : 'Local\\MyFileMapping');

if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first (or `npm run demo`, which builds).');
  process.exit(1);
}

let runtime;
try {
  // On Windows this is this node.exe; on Linux it sets up Wine's Windows Node, or says how to install Wine.
  runtime = provision();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const version = runtime.versions[0];
console.log(
  runtime.native
    ? `Running the two processes in this Node ${version} (${process.execPath}), section "${name}"`
    : `Running the two processes in Windows Node ${version} under Wine, section "${name}"`,
);

const runs = jobs
  ? [
      ['job-queue.mjs', ['producer', name]],
      ['job-queue.mjs', ['worker', name]],
    ]
  : [
      ['process1.mjs', [name]],
      ['process2.mjs', [name]],
    ];
const results = await Promise.all(runs.map(([script, args]) => runtime.runNode(version, join(ROOT, 'examples', script), args)));

let failed = false;
for (const [index, [script, args]] of runs.entries()) {
  const { code, stdout, stderr } = results[index];
  const label = args[0] === name ? script : `${script} ${args[0]}`;
  console.log(`\n--- examples/${label} (exit code ${code})`);
  if (stdout.trim()) console.log(stdout.trimEnd());
  if (stderr.trim()) console.log(stderr.trimEnd());
  if (code !== 0) failed = true;
}
console.log(failed ? '\nThe demo failed: see the output above.' : '\nBoth processes succeeded.');
process.exitCode = failed ? 1 : 0;
