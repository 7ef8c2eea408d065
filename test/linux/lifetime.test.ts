// Named sections on Linux live as on Windows: while a process of this package uses them, and no longer, also when the
// creator is killed; a segment another program created is never removed unless asked (src/posix/lifetime.ts).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPackage as load, onLinux, run, SCENARIOS, uniqueName } from './harness.js';

const shm = (name: string) => `/dev/shm/${name}`;
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts section-holder.mjs and resolves once it has said "ready". */
function holder(
  name: string,
  text: string,
  mode: 'exit' | 'wait' | 'hang',
): Promise<{ child: ChildProcessWithoutNullStreams; alreadyExisted: boolean; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(SCENARIOS, 'section-holder.mjs'), name, text, mode], { stdio: 'pipe' });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready (true|false)/u.exec(out);
      if (match) resolve({ child, alreadyExisted: match[1] === 'true', exited });
    });
    child.once('exit', (code) => reject(new Error(`section-holder.mjs ended (${code}) before it was ready: ${out}`)));
  });
}

describe.runIf(onLinux)('the lifetime of named sections on Linux', () => {
  it('removes the names of a process that ends without closing, as Windows does with its handles', async () => {
    const name = uniqueName('exit');
    const first = await holder(name, 'old contents', 'exit');
    expect(await first.exited).toBe(0);
    expect(existsSync(shm(name))).toBe(false);
  });

  it('never lets the next create() find what a creator killed with SIGKILL left, nor call it alreadyExisted', async () => {
    const { FileMapping } = await load();
    const name = uniqueName('killed');
    const first = await holder(name, 'old contents', 'hang');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(shm(name))).toBe(true); // left behind, as POSIX leaves it
    const fresh = FileMapping.create({ name, size: 65536 });
    const view = fresh.map();
    expect({ alreadyExisted: fresh.alreadyExisted, firstByte: view.readU8(0) }).toEqual({ alreadyExisted: false, firstByte: 0 });
    view.unmap();
    fresh.close();
    expect(existsSync(shm(name))).toBe(false);
  });

  it('reports a name left by a killed creator as missing to open(), and removes it', async () => {
    const { FileMapping } = await load();
    const name = uniqueName('killed-open');
    const first = await holder(name, 'old contents', 'hang');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(() => FileMapping.open(name)).toThrow(
      expect.objectContaining({ code: 'ENOENT', message: expect.stringContaining('left behind by a process that ended without closing it') }),
    );
    expect(existsSync(shm(name))).toBe(false);
  });

  it("removes, at a process's first create, what killed processes left under other names, and nothing else", async () => {
    const live = uniqueName('live');
    const alive = await holder(live, 'in use', 'wait');
    const left = uniqueName('left');
    const killed = await holder(left, 'left behind', 'hang');
    killed.child.kill('SIGKILL');
    await killed.exited;
    const foreign = uniqueName('foreign-kept');
    const made = await run('python3', [
      '-c',
      `import os; fd = os.open(${JSON.stringify(shm(foreign))}, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600); os.ftruncate(fd, 4096); os.close(fd)`,
    ]);
    expect(made.code, made.stderr).toBe(0);
    // The sweep takes what was left more than a minute ago: make these an hour old.
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const segment of [left, live, foreign]) utimesSync(shm(segment), hourAgo, hourAgo);
    try {
      expect([existsSync(shm(left)), existsSync(shm(live)), existsSync(shm(foreign))]).toEqual([true, true, true]);
      // A new process creates a section of another name, and exits.
      const other = uniqueName('sweeper');
      const sweeper = await holder(other, 'sweeps', 'exit');
      expect(await sweeper.exited).toBe(0);
      // What the killed one left is gone; the section in use and the other program's segment are not.
      expect([existsSync(shm(left)), existsSync(shm(live)), existsSync(shm(foreign)), existsSync(shm(other))]).toEqual([false, true, true, false]);
      // A segment left a moment ago waits for a later sweep (or for its name to be used again).
      const recent = uniqueName('recent');
      const second = await holder(recent, 'left just now', 'hang');
      second.child.kill('SIGKILL');
      await second.exited;
      expect(await (await holder(uniqueName('sweeper'), 'sweeps', 'exit')).exited).toBe(0);
      expect(existsSync(shm(recent))).toBe(true);
      rmSync(shm(recent));
      alive.child.stdin.write('close\n');
      expect(await alive.exited).toBe(0);
    } finally {
      rmSync(shm(foreign), { force: true });
    }
  });

  it('keeps a section while any process uses it, and removes it with its last user', async () => {
    const { FileMapping } = await load();
    const name = uniqueName('shared');
    const first = await holder(name, 'from the holder', 'wait');
    const mine = FileMapping.open(name);
    const view = mine.map();
    expect(view.readString(0)).toBe('from the holder');
    first.child.stdin.write('close\n');
    expect(await first.exited).toBe(0);
    // The holder closed; this process still uses the section: it stays, name and contents.
    expect(existsSync(shm(name))).toBe(true);
    const again = FileMapping.create({ name, size: 65536 });
    expect(again.alreadyExisted).toBe(true);
    again.close();
    view.unmap();
    mine.close();
    expect(existsSync(shm(name))).toBe(false);
  });

  it('uses a segment another program created as it is, never removes it, and unlinks it only when asked', async () => {
    const { FileMapping } = await load();
    const name = uniqueName('foreign');
    // What a C or Python program leaves: a plain segment, no lock, no mark.
    const made = await run('python3', [
      '-c',
      `import os; fd = os.open(${JSON.stringify(shm(name))}, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600); os.ftruncate(fd, 4096); os.write(fd, b'foreign'); os.close(fd)`,
    ]);
    expect(made.code, made.stderr).toBe(0);
    try {
      const joined = FileMapping.create({ name, size: 4096 });
      expect(joined.alreadyExisted).toBe(true);
      const view = joined.map();
      expect(view.readString(0)).toBe('foreign');
      view.unmap();
      joined.close();
      expect(existsSync(shm(name))).toBe(true);
      expect(FileMapping.unlink(name)).toBe(true);
      expect(existsSync(shm(name))).toBe(false);
      expect(FileMapping.unlink(name)).toBe(false);
    } finally {
      rmSync(shm(name), { force: true });
    }
  });

  // An object gets its name only once it is written (test/linux/creation.test.ts kills creators at random moments), so
  // a file with the objects' mode bit but no object in it is another program's: refused at once, never removed.
  it.each(['mutex', 'event', 'semaphore'] as const)("refuses a %s name that holds a file of the objects' mode but no object, and keeps it", async (kind) => {
    const { NamedMutex, NamedEvent, NamedSemaphore } = await load();
    const name = uniqueName(`not-an-object-${kind}`);
    const made = await run('python3', [
      '-c',
      `import os; fd = os.open(${JSON.stringify(shm(name))}, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o2600); os.ftruncate(fd, 4096); os.close(fd)`,
    ]);
    expect(made.code, made.stderr).toBe(0);
    try {
      const create = { mutex: () => NamedMutex.create(name), event: () => NamedEvent.create(name), semaphore: () => NamedSemaphore.create(name) }[kind];
      expect(create).toThrow(
        expect.objectContaining({ code: 'EINVAL', message: expect.stringContaining('holds no mutex, event or semaphore of this package') }),
      );
      expect(existsSync(shm(name))).toBe(true);
    } finally {
      rmSync(shm(name), { force: true });
    }
  });
});
