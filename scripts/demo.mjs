// The demo (`npm run demo`): the Win32 "Creating Named Shared Memory" sample as two processes.
//
// Starts examples/process1.mjs (creates a named section and writes a message) and examples/process2.mjs (opens it
// read-only and prints the message) at the same time, waits for both and prints what each said. They run in this
// very Node, natively, on Linux and on Windows; with --wine (on Linux), in the Windows build of Node under Wine,
// provisioned by scripts/windows-runtime.mjs (the first Node version it provisions). USAGE below says the rest.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run } from './linux-runtime.mjs';
import { provision, ROOT } from './windows-runtime.mjs';

const USAGE = `Usage: npm run demo [-- [--wine] [jobs] [NAME]]
       node scripts/demo.mjs [--wine] [jobs] [NAME]     (after npm run build)

Starts two example processes at once in this Node (natively, on Linux and on Windows) and prints what each said
under its own heading:
  (default)  examples/process1.mjs and process2.mjs share the section NAME (default Local\\MyFileMapping)
  jobs       examples/job-queue.mjs producer and worker share the channels NAME and NAME-results
             (default Local\\filemapping-jobs-PID)

Options:
  --wine      on Linux, run them in the Windows build of Node under Wine instead (set up on first use); on
              Windows they run in this node.exe either way
  -h, --help  print this and exit

Exit codes: 0 both processes succeeded; 1 one of them failed, or the demo could not start (no dist/; with --wine,
no Wine); 2 an unknown argument.`;

/** Prints the usage and why to stderr, and exits 2, as for any command given arguments it does not know. */
function badUsage(message) {
  console.error(`demo: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  // strict: an unknown option is an error; `--` ends the options, for a NAME that starts with '-'.
  parsed = parseArgs({ options: { help: { type: 'boolean', short: 'h' }, wine: { type: 'boolean' } }, allowPositionals: true, strict: true });
} catch (error) {
  badUsage(error instanceof Error ? error.message : String(error));
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const jobs = parsed.positionals[0] === 'jobs';
const [argument, ...extra] = parsed.positionals.slice(jobs ? 1 : 0);
if (extra.length > 0) badUsage(`unknown argument '${extra[0]}': give at most one NAME`);
const name = argument ?? (jobs ? `Local\\filemapping-jobs-${process.pid}` : 'Local\\MyFileMapping');

/** The demo could not start: says why on stderr and exits 1. */
function cannotStart(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
  cannotStart('dist/ is missing: run `npm run build` first (or `npm run demo`, which builds).');
}

let runtime;
if (parsed.values.wine) {
  try {
    // On Windows this is this node.exe; on Linux it sets up Wine's Windows Node, or says how to install Wine.
    runtime = provision();
  } catch (error) {
    cannotStart(error instanceof Error ? error.message : String(error));
  }
} else {
  runtime = { native: true, versions: [process.versions.node], runNode: (_version, script, args) => run(process.execPath, [script, ...args]) };
}
const version = runtime.versions[0];
console.log(
  runtime.native
    ? `Running the two processes in this Node ${version} on ${process.platform} (${process.execPath}), section "${name}"`
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
let results;
try {
  results = await Promise.all(runs.map(([script, args]) => runtime.runNode(version, join(ROOT, 'examples', script), args)));
} catch (error) {
  // Wine or node.exe could not be started at all (an exit code, even a failing one, is a result).
  cannotStart(error instanceof Error ? error.message : String(error));
}

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
