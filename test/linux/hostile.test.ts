// Hostile or unusual files under a name, and other users' segments: every call answers at once (or within the second
// it waits for a lock), with a clear error or by joining, never blocks the event loop on a file another user controls,
// and never removes what is not this user's (src/posix/segments.ts, src/posix/lifetime.ts).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inSmallShm, onLinux, run, SCENARIOS, uniqueName } from './harness.js';

const shm = (name: string) => `/dev/shm/${name}`;
const root = process.getuid?.() === 0;
const NOBODY = 65534;
const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

const children: ChildProcessWithoutNullStreams[] = [];
const made: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true });
});

type Outcome = { code: string; message: string } | { alreadyExisted: boolean; size?: string; lock?: string };

/**
 * Runs name-probe.mjs (as nobody when asked). `timeout` only turns a call that blocks for ever (as these did) into a
 * failure (exit 124) instead of a stuck run; nothing here is timed.
 */
async function probe(name: string, operations: string[], { asNobody = false } = {}): Promise<Record<string, Outcome>> {
  const command = [...(asNobody ? AS_NOBODY : []), 'timeout', '60', process.execPath, join(SCENARIOS, 'name-probe.mjs'), name, ...operations];
  const result = await run(command[0]!, command.slice(1));
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as Record<string, Outcome>;
}

const refused = (code: string, text: string) => ({ code, message: expect.stringContaining(text) as unknown as string });

describe.runIf(onLinux)('unusual files under a name on Linux', () => {
  it('refuses a FIFO under the name at once, for reading too, where opening it used to wait for a writer for ever', async () => {
    const name = uniqueName('fifo');
    made.push(shm(name));
    const fifo = await run('mkfifo', ['-m', '0600', shm(name)]);
    expect(fifo.code, fifo.stderr).toBe(0);
    const holds = refused('EINVAL', 'the name holds a FIFO');
    expect(await probe(name, ['open-read', 'open', 'create', 'create-readonly', 'mutex'])).toEqual({
      'open-read': holds,
      open: holds,
      create: holds,
      'create-readonly': holds,
      mutex: holds,
    });
    expect(existsSync(shm(name))).toBe(true);
  });

  it('refuses a directory and a symbolic link under the name, following no link', async () => {
    const directory = uniqueName('directory');
    const link = uniqueName('link');
    const target = uniqueName('target');
    made.push(shm(directory), shm(link), shm(target));
    mkdirSync(shm(directory));
    writeFileSync(shm(target), Buffer.alloc(4096));
    symlinkSync(shm(target), shm(link));
    const inDirectory = refused('EINVAL', 'the name holds a directory');
    expect(await probe(directory, ['open-read', 'open', 'create'])).toEqual({ 'open-read': inDirectory, open: inDirectory, create: inDirectory });
    const isLink = refused('ELOOP', 'the name is a symbolic link');
    expect(await probe(link, ['open-read', 'create', 'mutex'])).toEqual({ 'open-read': isLink, create: isLink, mutex: isLink });
  });

  it('refuses a FIFO or a directory as the file of a file-backed section', async () => {
    const fifo = join('/tmp', uniqueName('fifo-file'));
    const directory = join('/tmp', uniqueName('directory-file'));
    made.push(fifo, directory);
    expect((await run('mkfifo', [fifo])).code).toBe(0);
    mkdirSync(directory);
    expect(await probe(fifo, ['file-readonly', 'file'])).toEqual({
      'file-readonly': refused('EINVAL', 'it is a FIFO'),
      file: refused('EINVAL', 'it is a FIFO'),
    });
    // A directory used to be accepted, and only map() failed (ENODEV).
    expect(await probe(directory, ['file-readonly'])).toEqual({ 'file-readonly': refused('EISDIR', 'it is a directory') });
  });
});

describe.runIf(onLinux)("other users' segments and locks on Linux", () => {
  // Needs a second user: CI runs as root, and runs these as nobody or against nobody's files.
  it.skipIf(!root)('answers at once, or within its second, when another user holds an exclusive flock on the name', async () => {
    const section = uniqueName('flocked');
    const object = uniqueName('flocked-mutex');
    for (const [name, mode] of [
      [section, 0o1666], // marked as a section of the package's would be
      [object, 0o3666], // and as a mutex
    ] as const) {
      made.push(shm(name));
      writeFileSync(shm(name), Buffer.alloc(4096));
      chownSync(shm(name), NOBODY, NOBODY);
      chmodSync(shm(name), mode);
      const squatter = spawn(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), 'flock', '-x', shm(name), 'sh', '-c', 'echo locked; exec sleep 600'], { stdio: 'pipe' });
      children.push(squatter);
      await new Promise<void>((resolve, reject) => {
        squatter.stdout.once('data', () => resolve());
        squatter.once('exit', (code) => reject(new Error(`the squatter ended (${code}) before it held its lock`)));
      });
    }
    const busy = refused('EBUSY', `held an exclusive lock (flock) on /dev/shm/${section} for`);
    expect(await probe(section, ['create-exclusive', 'create', 'open', 'open-read'])).toEqual({
      'create-exclusive': refused('EEXIST', 'exclusive'),
      create: busy,
      open: busy,
      'open-read': busy,
    });
    // The message named "/dev/shm" + the name without its slash ("/dev/shmfilemapping-test-...").
    const objectBusy = refused('EBUSY', `held an exclusive lock (flock) on /dev/shm/${object} for`);
    expect(await probe(object, ['mutex', 'mutex-open'])).toEqual({ mutex: objectBusy, 'mutex-open': objectBusy });
  });

  it("calls a segment of this user's that another program keeps locked taken to an exclusive create, after its second", async () => {
    const name = uniqueName('own-flocked');
    made.push(shm(name));
    writeFileSync(shm(name), Buffer.alloc(4096));
    chmodSync(shm(name), 0o1600);
    const squatter = spawn('flock', ['-x', shm(name), 'sh', '-c', 'echo locked; exec sleep 600'], { stdio: 'pipe' });
    children.push(squatter);
    await new Promise<void>((resolve, reject) => {
      squatter.stdout.once('data', () => resolve());
      squatter.once('exit', (code) => reject(new Error(`the squatter ended (${code}) before it held its lock`)));
    });
    expect(await probe(name, ['create-exclusive', 'create'])).toEqual({
      'create-exclusive': refused('EEXIST', 'exclusive'),
      create: refused('EBUSY', `held an exclusive lock (flock) on /dev/shm/${name} for`),
    });
  });

  it.skipIf(!root)("joins another user's marked segment that nobody uses, and never removes it, even as root", async () => {
    const name = uniqueName('nobodys');
    made.push(shm(name));
    writeFileSync(shm(name), Buffer.alloc(8192));
    chownSync(shm(name), NOBODY, NOBODY);
    chmodSync(shm(name), 0o1666);
    // Root could unlink it, and did: only the mark was checked, not the owner.
    expect(await probe(name, ['create', 'open'])).toEqual({ create: { alreadyExisted: true, size: '8192' }, open: { alreadyExisted: true, size: '8192' } });
    expect(existsSync(shm(name))).toBe(true);
  });

  it.skipIf(!root)("gives another user a clear answer about this user's marked segments, never removing them", async () => {
    const shared = uniqueName('roots-shared');
    const own = uniqueName('roots-own');
    for (const [name, mode] of [
      [shared, 0o1666],
      [own, 0o1600],
    ] as const) {
      made.push(shm(name));
      writeFileSync(shm(name), Buffer.alloc(8192));
      chmodSync(shm(name), mode);
    }
    // create() threw a plain Error ("the name kept being replaced by other processes (100 attempts)"), and open() said
    // the segment "is now removed" while it was still there: unlinking it failed, unseen.
    expect(await probe(shared, ['create', 'open'], { asNobody: true })).toEqual({
      create: { alreadyExisted: true, size: '8192' },
      open: { alreadyExisted: true, size: '8192' },
    });
    expect(await probe(own, ['create', 'open'], { asNobody: true })).toEqual({
      create: refused('EACCES', 'Permission denied'),
      open: refused('EACCES', 'Permission denied'),
    });
    expect([existsSync(shm(shared)), existsSync(shm(own))]).toEqual([true, true]);
  });
});

describe.runIf(onLinux)('a read-only /dev/shm on Linux', () => {
  // Removing what was left failed (EROFS), and the descriptor it had opened stayed open with its exclusive lock: the
  // next open of the name in this process, or in any other, waited a second and blamed "a program outside this package".
  it.skipIf(!root)('reports what it cannot remove with EROFS, each time, and keeps no descriptor of it', async () => {
    const name = uniqueName('read-only');
    const left = `head -c 4096 /dev/zero > /dev/shm/${name} && chmod 1600 /dev/shm/${name} && mount -o remount,ro /dev/shm`;
    const cannotRemove = { name: 'PosixError', code: 'EROFS', syscall: 'shm_unlink', message: expect.stringContaining('Read-only file system') as unknown };
    expect(await inSmallShm('shm-mounts.mjs', ['read-only', name], left)).toEqual({ first: cannotRemove, second: cannotRemove, left: [name], descriptors: 0 });
  });
});
