// Runs every file in examples/ in Windows node.exe (under Wine on Linux) and the demo in this Node, and asserts on
// what they print, so that the examples and the README that points to them cannot rot.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/windows-runtime.mjs';
import { runtime, uniqueName, versions, type RunResult } from './harness.js';

const EXAMPLES = join(ROOT, 'examples');
const MESSAGE = 'Message from first process.';

/** The examples the tests below run; a new file in examples/ must be added here, with a test. */
const TESTED = [
  'file-backed.mjs',
  'job-queue.mjs',
  'map-twice.mjs',
  'move-view.mjs',
  'mutex-abandoned.mjs',
  'process1.mjs',
  'process2.mjs',
  'raw-win32.mjs',
];
/** What the job-queue worker computes for job i (the primes below 1000 * (i + 1)), from a table of prime counts. */
const PRIMES_BELOW = [168, 303, 430, 550, 669];
/** Files in examples/ that are helpers of the examples, not examples. */
const HELPERS = ['named-event.mjs'];
/** Examples for Linux alone, run by test/linux/examples.test.ts. */
const LINUX_ONLY = ['raw-posix.mjs'];

function runExample(version: string, script: string, args: string[] = []): Promise<RunResult> {
  return runtime.runNode(version, join(EXAMPLES, script), args);
}

/** The output of a run, for the failure message of an assertion on it. */
function shown(script: string, result: RunResult): string {
  return `${script} exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** Runs an example that must succeed and returns what it printed. */
async function succeeds(version: string, script: string, args: string[] = []): Promise<string> {
  const result = await runExample(version, script, args);
  expect(result.code, shown(script, result)).toBe(0);
  expect(result.stderr, shown(script, result)).toBe('');
  return result.stdout;
}

/** Runs a script in this (Linux or Windows) Node, resolving with its exit code and output whatever the code. */
function runHostNode(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('examples/', () => {
  it('has a test for every example', () => {
    const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.mjs'));
    expect(files.filter((file) => !HELPERS.includes(file) && !LINUX_ONLY.includes(file)).sort()).toEqual(TESTED);
  });
});

describe.each(versions)('the examples, Windows node %s', (version) => {
  it('process1 and process2 hand a message from one process to the other', async () => {
    const name = uniqueName('example');
    const [first, second] = await Promise.all([runExample(version, 'process1.mjs', [name]), runExample(version, 'process2.mjs', [name])]);
    expect(first.code, shown('process1.mjs', first)).toBe(0);
    expect(second.code, shown('process2.mjs', second)).toBe(0);
    expect(first.stdout).toContain(`process 1: created section "${name}" of 1024 bytes`);
    expect(first.stdout).toContain(`process 1: locked mutex "${name}-lock" (acquired)`);
    expect(first.stdout).toContain(`process 1: wrote "${MESSAGE}"`);
    expect(first.stdout).toContain('process 1: unlocked');
    expect(first.stdout).toContain('process 2 has read it');
    // The opened section's view is the section rounded up to the page size.
    expect(second.stdout).toContain(`process 2: opened section "${name}" for read access (a 4096-byte view)`);
    expect(second.stdout).toContain(`process 2: locked mutex "${name}-lock"`);
    expect(second.stdout).toContain(`process 2: read "${MESSAGE}", and unlocked`);
    // Process 1 unlocks before it signals "written", and process 2 locks only after that signal.
    expect(first.stdout.indexOf('process 1: unlocked')).toBeLessThan(first.stdout.indexOf('waiting for process 2'));
  });

  it('job-queue: the worker takes every job with for await and the producer gets every result back', async () => {
    const name = uniqueName('jobs');
    const [producer, worker] = await Promise.all([
      runExample(version, 'job-queue.mjs', ['producer', name]),
      runExample(version, 'job-queue.mjs', ['worker', name]),
    ]);
    expect(producer.code, shown('job-queue.mjs producer', producer)).toBe(0);
    expect(worker.code, shown('job-queue.mjs worker', worker)).toBe(0);
    expect(producer.stderr + worker.stderr).toBe('');
    expect(producer.stdout).toContain(`producer: created channels "${name}" and "${name}-results" (messages up to 1048572 bytes)`);
    expect(producer.stdout).toContain("producer: sent 5 jobs and 'end'");
    expect(worker.stdout).toContain(`worker: opened channels "${name}" and "${name}-results"`);
    const pid = /worker pid (\d+)/u.exec(producer.stdout)?.[1];
    expect(pid).toBeDefined();
    for (const [id, primes] of PRIMES_BELOW.entries()) {
      const below = 1000 * (id + 1);
      expect(worker.stdout).toContain(`worker: job ${id}: ${primes} primes below ${below}, result sent`);
      expect(producer.stdout).toContain(`producer: job ${id}: ${primes} primes below ${below} (worker pid ${pid})`);
    }
    expect(worker.stdout).toContain("worker: got 'end' after 5 jobs; closing");
    expect(producer.stdout).toContain('producer: all 5 results received');
  });

  it('job-queue prints its usage and exits 1 when the role is unknown', async () => {
    const result = await runExample(version, 'job-queue.mjs', ['consumer', uniqueName('jobs')]);
    expect(result.code, shown('job-queue.mjs', result)).toBe(1);
    expect(result.stderr).toMatch(/^job-queue: usage: node examples\/job-queue\.mjs producer NAME \[COUNT\]/u);
  });

  it('mutex-abandoned reports the mutex abandoned by a holder that exited, and repairs the torn record', async () => {
    const name = uniqueName('abandoned');
    const stdout = await succeeds(version, 'mutex-abandoned.mjs', [name]);
    expect(stdout).toContain(`main: wrote "balance=100" under mutex "${name}-lock"`);
    expect(stdout).toMatch(/^holder: pid \d+ locked mutex .* and exits without unlocking$/mu);
    expect(stdout).toContain("main: lockAsync() -> 'abandoned'");
    expect(stdout).toContain('main: the record reads "balance=-999999" but its checksum does not match: restoring "balance=100"');
    expect(stdout).toContain('main: the record is "balance=100" (intact)');
    expect(stdout).toContain('main: the holder exited with code 0');
    expect(stdout).toContain("main: lock() again -> 'acquired'");
  });

  it('process1 exits non-zero and says why when the name is not a valid object name', async () => {
    const result = await runExample(version, 'process1.mjs', ['Local\\no\\such\\directory']);
    expect(result.code, shown('process1.mjs', result)).toBe(1);
    expect(result.stderr).toMatch(/^process 1: .*failed/u);
  });

  it('map-twice shows one memory at two addresses', async () => {
    const stdout = await succeeds(version, 'map-twice.mjs');
    expect(stdout).toMatch(/^view A at 0x[0-9a-f]+, view B at 0x[0-9a-f]+: 65536 bytes each$/mu);
    expect(stdout).toContain('view B reads "written through view A"');
    expect(stdout).toContain('view A reads 0xdeadbeef, written through view B');
    expect(stdout).toContain('different addresses, one memory');
  });

  it('move-view maps the section again at the address it chose, with the same data', async () => {
    const stdout = await succeeds(version, 'move-view.mjs');
    const [, target, asked] = /mapped again at (0x[0-9a-f]+) \(asked for (0x[0-9a-f]+)\)/u.exec(stdout) ?? [];
    expect(target).toBeDefined();
    expect(target).toBe(asked);
    // The chosen address is a multiple of the 64 KiB allocation granularity.
    expect(BigInt(target as string) % 65536n).toBe(0n);
    expect(stdout).toContain('read "this text stays put while the view moves"');
    expect(stdout).toContain('moved: new address, same data');
  });

  it('file-backed reads back from the file the bytes it wrote and flushed', async () => {
    const stdout = await succeeds(version, 'file-backed.mjs');
    expect(stdout).toContain('through a 8192-byte view');
    expect(stdout).toContain('read back 8192 bytes from the file: "Hello from a file-backed section", then 8160 zero bytes');
  });

  it('file-backed grows the file to the size it is given', async () => {
    const stdout = await succeeds(version, 'file-backed.mjs', ['100000']);
    expect(stdout).toContain('read back 100000 bytes from the file: "Hello from a file-backed section"');
  });

  it('raw-win32 runs the C sample line by line, then sees the name gone', async () => {
    const name = uniqueName('raw');
    const stdout = await succeeds(version, 'raw-win32.mjs', [name]);
    // 27 UTF-16 characters, as the C sample's CopyMemory copies _tcslen(szMsg) * sizeof(TCHAR) bytes.
    expect(stdout).toContain(`process 1: created "${name}"`);
    expect(stdout).toContain('and copied 54 bytes');
    expect(stdout).toContain(`process 2: opened "${name}"`);
    expect(stdout).toContain(`and read "${MESSAGE}"`);
    expect(stdout).toMatch(/after CloseHandle: OpenFileMappingW fails with error 2: \S/u);
  });

  it('raw-win32 reports GetLastError and the system text when CreateFileMappingW fails', async () => {
    const result = await runExample(version, 'raw-win32.mjs', ['Local\\no\\such\\directory']);
    expect(result.code, shown('raw-win32.mjs', result)).toBe(1);
    // ERROR_PATH_NOT_FOUND: a backslash after the namespace prefix names a directory that does not exist.
    expect(result.stderr).toMatch(/^Could not create file mapping object \(3\): \S/u);
  });
});

describe.runIf(versions.length > 1)('the examples across Node versions', () => {
  it('job-queue: a producer in one Windows Node version and a worker in another share the channels', async () => {
    const [older, newer] = versions as [string, string];
    const name = uniqueName('jobs-mixed');
    const [producer, worker] = await Promise.all([
      runExample(older, 'job-queue.mjs', ['producer', name, '3']),
      runExample(newer, 'job-queue.mjs', ['worker', name]),
    ]);
    expect(producer.code, shown(`job-queue.mjs producer (node ${older})`, producer)).toBe(0);
    expect(worker.code, shown(`job-queue.mjs worker (node ${newer})`, worker)).toBe(0);
    expect(worker.stdout).toContain("worker: got 'end' after 3 jobs; closing");
    expect(producer.stdout).toContain('producer: job 2: 430 primes below 3000');
    expect(producer.stdout).toContain('producer: all 3 results received');
  });
});

describe('scripts/demo.mjs', () => {
  const DEMO = join(ROOT, 'scripts', 'demo.mjs');

  it.each([[['--help']], [['-h']], [['jobs', '--help']], [['-h', 'Local\\x']]])('prints its usage on stdout and exits 0 given %j', async (args) => {
    const result = await runHostNode([DEMO, ...args]);
    expect(result.code, shown('scripts/demo.mjs', result)).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: npm run demo \[-- \[jobs\] \[NAME\]\]\n/u);
    expect(result.stdout).toContain('-h, --help  print this and exit');
    expect(result.stdout).toContain('Exit codes: 0 both processes succeeded');
  });

  it.each([
    [['--bogus'], /^demo: Unknown option '--bogus'/u],
    [['-x'], /^demo: Unknown option '-x'/u],
    [['Local\\a', 'Local\\b'], /^demo: unknown argument 'Local\\b': give at most one NAME\n/u],
    [['jobs', 'Local\\a', 'extra'], /^demo: unknown argument 'extra': give at most one NAME\n/u],
  ])('refuses %j: says why and prints its usage on stderr, and exits 2 without starting anything', async (args, why) => {
    const result = await runHostNode([DEMO, ...args]);
    expect(result.code, shown('scripts/demo.mjs', result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(why);
    expect(result.stderr).toContain('\n\nUsage: npm run demo [-- [jobs] [NAME]]\n');
  });

  // Only where the runtime is Wine: a PATH without it is a failure at start that a test can cause. On Windows the
  // demo runs in this node.exe, which cannot be missing.
  it.runIf(!runtime.native)('exits 1 with the error message when it cannot start (no Wine on PATH)', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'filemapping-demo-path-'));
    try {
      // Only a shell: windows-runtime.mjs looks for wine with `sh -c 'command -v wine'`.
      symlinkSync('/bin/sh', join(bin, 'sh'));
      const result = await runHostNode([DEMO], { ...process.env, PATH: bin });
      expect(result.code, shown('scripts/demo.mjs', result)).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^demo: The Windows integration tests need Wine, which is not installed\. Install it with:\n {2}\S/u);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('runs process1 and process2 together, prints both outputs and exits 0', async () => {
    const name = uniqueName('demo');
    const result = await runHostNode([DEMO, name]);
    expect(result.code, shown('scripts/demo.mjs', result)).toBe(0);
    expect(result.stdout).toContain(`section "${name}"`);
    expect(result.stdout).toContain('--- examples/process1.mjs (exit code 0)');
    expect(result.stdout).toContain('--- examples/process2.mjs (exit code 0)');
    expect(result.stdout).toContain(`process 1: locked mutex "${name}-lock" (acquired)`);
    expect(result.stdout).toContain(`process 2: read "${MESSAGE}"`);
    expect(result.stdout).toContain('Both processes succeeded.');
  });

  it('runs the job queue with one command (`npm run demo -- jobs`)', async () => {
    const name = uniqueName('demo-jobs');
    const result = await runHostNode([DEMO, 'jobs', name]);
    expect(result.code, shown('scripts/demo.mjs jobs', result)).toBe(0);
    expect(result.stdout).toContain('--- examples/job-queue.mjs producer (exit code 0)');
    expect(result.stdout).toContain('--- examples/job-queue.mjs worker (exit code 0)');
    expect(result.stdout).toContain('producer: all 5 results received');
    expect(result.stdout).toContain("worker: got 'end' after 5 jobs");
  });
});
