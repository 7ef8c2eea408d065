// scripts/demo.mjs (`npm run demo`), run from this Node as the README's first command runs it: its usage and refusals,
// the two processes natively (on Linux and Windows, with nothing but Node), and with --wine in Windows Node under Wine.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../scripts/linux-runtime.mjs';
import { ROOT } from '../scripts/windows-runtime.mjs';
import { shown, type ExampleResult } from './fixtures/examples-suite.js';
import { uniqueName } from './fixtures/scenario-runner.js';

const DEMO = join(ROOT, 'scripts', 'demo.mjs');
const MESSAGE = 'Message from first process.';
const USAGE = 'Usage: npm run demo [-- [--wine] [jobs] [NAME]]\n';
const nativeOs = process.platform === 'linux' || process.platform === 'win32';

/** Runs the demo in this Node, resolving with its exit code and output whatever the code. */
function demo(args: string[], env: Record<string, string | undefined> = {}): Promise<ExampleResult> {
  return run(process.execPath, [DEMO, ...args], { env });
}

/**
 * On Linux, no Wine chroot yet (FILEMAPPING_WINE_ROOT names an empty folder) and no debootstrap to make one: a PATH
 * with nothing on it but a shell (scripts/wine-root.mjs looks for debootstrap with `sh -c 'command -v debootstrap'`).
 */
function withoutWine<T>(use: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const bin = mkdtempSync(join(tmpdir(), 'filemapping-demo-path-'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  return use({ PATH: bin, FILEMAPPING_WINE_ROOT: join(bin, 'no-wine-root') }).finally(() => rmSync(bin, { recursive: true, force: true }));
}

describe('scripts/demo.mjs', () => {
  it.each([[['--help']], [['-h']], [['jobs', '--help']], [['-h', 'Local\\x']], [['--wine', '--help']]])(
    'prints its usage on stdout and exits 0 given %j',
    async (args) => {
      const result = await demo(args);
      expect(result.code, shown('scripts/demo.mjs', result)).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout.startsWith(USAGE)).toBe(true);
      expect(result.stdout).toContain('-h, --help  print this and exit');
      expect(result.stdout).toContain('Exit codes: 0 both processes succeeded');
    },
  );

  it.each([
    [['--bogus'], /^demo: Unknown option '--bogus'/u],
    [['-x'], /^demo: Unknown option '-x'/u],
    [['Local\\a', 'Local\\b'], /^demo: unknown argument 'Local\\b': give at most one NAME\n/u],
    [['jobs', 'Local\\a', 'extra'], /^demo: unknown argument 'extra': give at most one NAME\n/u],
  ])('refuses %j: says why and prints its usage on stderr, and exits 2 without starting anything', async (args, why) => {
    const result = await demo(args);
    expect(result.code, shown('scripts/demo.mjs', result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(why);
    expect(result.stderr).toContain(`\n\n${USAGE}`);
  });

  // Only on Linux, where --wine needs Wine: a PATH without it is a failure at start that a test can cause.
  it.runIf(process.platform === 'linux')(
    'with --wine, exits 1 with the error message when it cannot start (no Wine chroot, no debootstrap to make one)',
    async () => {
      const result = await withoutWine((env) => demo(['--wine'], env));
      expect(result.code, shown('scripts/demo.mjs --wine', result)).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^demo: The Windows tests run Windows Node under Wine 10 in a Debian 13 chroot made with debootstrap, which is not installed\. Install it with:\n {2}sudo apt-get update && sudo apt-get install -y debootstrap\n/u,
      );
    },
  );

  // On Linux, where Wine could be what the demo needs: a PATH without it. (On Windows there is no Wine to remove.)
  it.runIf(process.platform === 'linux')('runs natively with nothing but Node: no Wine needed', async () => {
    const name = uniqueName('demo-native');
    const result = await withoutWine((env) => demo([name], { PATH: `${env.PATH}:${join(process.execPath, '..')}` }));
    expect(result.code, shown('scripts/demo.mjs', result)).toBe(0);
    expect(result.stdout).toContain(`Running the two processes in this Node ${process.versions.node} on ${process.platform}`);
  });

  // Natively where there is a backend; under Wine with --wine (on Windows, --wine runs natively too).
  describe.each(
    nativeOs
      ? [
          ['natively', []],
          ['with --wine', ['--wine']],
        ]
      : [['with --wine', ['--wine']]],
  )('%s', (_how, flags) => {
    it('runs process1 and process2 together, prints both outputs and exits 0', async () => {
      const name = uniqueName('demo');
      const result = await demo([...flags, name]);
      expect(result.code, shown('scripts/demo.mjs', result)).toBe(0);
      expect(result.stdout).toContain(`section "${name}"`);
      expect(result.stdout).toContain(flags.length > 0 && process.platform !== 'win32' ? 'in Windows Node' : `in this Node ${process.versions.node}`);
      expect(result.stdout).toContain('--- examples/process1.mjs (exit code 0)');
      expect(result.stdout).toContain('--- examples/process2.mjs (exit code 0)');
      expect(result.stdout).toContain(`process 1: locked mutex "${name}-lock" (acquired)`);
      expect(result.stdout).toContain(`process 2: read "${MESSAGE}"`);
      expect(result.stdout).toContain('Both processes succeeded.');
    });

    it('runs the job queue with one command (`npm run demo -- jobs`)', async () => {
      const name = uniqueName('demo-jobs');
      const result = await demo([...flags, 'jobs', name]);
      expect(result.code, shown('scripts/demo.mjs jobs', result)).toBe(0);
      expect(result.stdout).toContain('--- examples/job-queue.mjs producer (exit code 0)');
      expect(result.stdout).toContain('--- examples/job-queue.mjs worker (exit code 0)');
      expect(result.stdout).toContain('producer: all 5 results received');
      // The producer drained and closed: the worker's loop ended after the last job, with no 'end' message.
      expect(result.stdout).toContain(`worker: the producer closed "${name}" after 5 jobs`);
    });
  });
});
