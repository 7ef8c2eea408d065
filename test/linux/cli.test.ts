// The filemapping command natively on Linux: the same cases as under Wine (test/fixtures/cli-suite.ts), in every
// Linux build of Node the suite covers; then what only a Linux shell does: signals, to the holder that create leaves
// and to `npx filemapping create --hold` as a terminal sends them.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT } from '../../scripts/linux-runtime.mjs';
import { type CliPlatform, describeCli, describeLargeCli } from '../fixtures/cli-suite.js';
import { onLinux, run, runtime, uniqueName, versions, VIEW_MODES } from './harness.js';

const CLI = join(ROOT, 'bin', 'filemapping.cjs');

/**
 * Resolves to true once process `pid` has ended (a zombie has), false if it still runs a minute later: a pidfd
 * becomes readable when its process ends, so this waits on the kernel, not on a clock.
 */
async function ended(pid: number): Promise<boolean> {
  const script = [
    'import os, select, sys',
    'try: fd = os.pidfd_open(int(sys.argv[1]))',
    'except ProcessLookupError: sys.exit(0)',
    'sys.exit(0 if select.select([fd], [], [], 60)[0] else 1)',
  ].join('\n');
  const result = await run('python3', ['-c', script, String(pid)]);
  expect(result.stderr).toBe('');
  return result.code === 0;
}

/** The entries of /dev/shm that are `name` or start with `name.` (the holder's event and mutex). */
const leftOver = (name: string) => readdirSync('/dev/shm').filter((entry) => entry === name || entry.startsWith(`${name}.`));

const linux = (version: string): CliPlatform => ({
  cli: (args, env = {}, input) => runtime.runNode(version, CLI, args, { env, input }),
  uniqueName,
  notFound: 'ENOENT',
  openedSizeRounded: false,
  ended,
  leftOver,
});

// Every version in zero-copy mode; copy mode (as Electron's main process forces it) in the newest.
describe.runIf(onLinux).each(versions)('Linux node %s', (version) => {
  for (const [mode, env] of VIEW_MODES) {
    if (mode === 'zero-copy' || version === versions[versions.length - 1]) describeCli(`the filemapping command, ${mode} mode`, linux(version), env);
  }
  describeLargeCli('the filemapping command on a 5 GiB section', linux(version));
});

describe.runIf(onLinux)('the filemapping command and signals', () => {
  const newest = versions[versions.length - 1] as string;
  const cli = (...args: string[]) => runtime.runNode(newest, CLI, args);

  it('releases the name when the holder create left is killed (SIGTERM to the pid it printed)', async () => {
    const name = uniqueName('cli-kill');
    onTestFinished(async () => void (await cli('close', name)));
    const created = await cli('create', name, '--size', '4096', '--text', 'hi');
    expect(created.code, created.stderr).toBe(0);
    const pid = Number(/held by process (\d+)/.exec(created.stderr)?.[1]);
    process.kill(pid, 'SIGTERM');
    expect(await ended(pid)).toBe(true);
    expect(leftOver(name)).toEqual([]);
    expect(await cli('read', name)).toMatchObject({ code: 1, stderr: expect.stringContaining('ENOENT') });
  });

  /**
   * `npx filemapping create NAME --hold`, in a process group of its own as a shell job is, until its section is
   * ready. npm runs the command under `sh -c`, so the group holds npm, sh and node; the group's stderr pipe closes
   * once all three have ended. A process of the group that outlives the test is killed.
   */
  async function npxHolding(name: string) {
    // npx itself, and the command it runs, in the newest Node of the suite.
    const path = `${dirname(runtime.nodePath(newest) as string)}:${process.env.PATH ?? ''}`;
    const npx = spawn('npx', ['--yes', 'filemapping', 'create', name, '--size', '4096', '--hold', '--signal', `${name}-ready`], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, PATH: path },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    npx.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<void>((resolveClosed) => npx.once('close', () => resolveClosed()));
    onTestFinished(() => {
      try {
        process.kill(-(npx.pid as number), 'SIGKILL');
      } catch {
        // The group has ended: nothing to kill.
      }
    });
    const ready = cli('wait', 'event', `${name}-ready`, '--timeout', '60000');
    const first = await Promise.race([ready.then(() => 'ready' as const), closed.then(() => 'ended' as const)]);
    if (first === 'ended') {
      await runtime.runNode(newest, CLI, ['signal', 'event', `${name}-ready`]);
      await ready;
      expect.fail(`npx filemapping create ended before the section was ready: ${stderr}`);
    }
    expect((await ready).code).toBe(0);
    expect(leftOver(name)).toEqual([name]);
    return { group: npx.pid as number, closed, stderr: () => stderr };
  }

  // A terminal's Ctrl+C is SIGINT to the foreground process group; closing the terminal is SIGHUP to it.
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('ends npx filemapping create --hold and its name on %s to the process group', async (signal) => {
    const name = uniqueName(`cli-npx-${signal}`);
    const holder = await npxHolding(name);
    process.kill(-holder.group, signal);
    // Every process of the group has ended, and the name with them.
    await holder.closed;
    expect(leftOver(name), holder.stderr()).toEqual([]);
    expect(await cli('read', name)).toMatchObject({ code: 1, stderr: expect.stringContaining('ENOENT') });
  });
});
