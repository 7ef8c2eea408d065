// A named segment appears under its name only once it is complete (src/posix/segments.ts, publish()): an open() racing
// a create() finds nothing or the whole section, a create() that fails for want of room leaves nothing another process
// could touch, and a creator killed at any instant leaves nothing a later create() mistakes for a live section.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, rmSync, statSync, truncateSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inSmallShm, loadPackage, onLinux, SCENARIOS, uniqueName } from './harness.js';

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts a scenario in this Node, and resolves with it once it has printed its first line (its "ready" or "go"). */
function started(
  script: string,
  args: string[],
): Promise<{ child: ChildProcessWithoutNullStreams; output: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> }> {
  const child = spawn(process.execPath, [join(SCENARIOS, script), ...args], { stdio: 'pipe' });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const first = stdout === '';
      stdout += chunk.toString();
      if (first) resolve({ child, output });
    });
    child.once('exit', (code) => {
      if (stdout === '') reject(new Error(`${script} ended (${code}) before it started: ${stderr}`));
    });
  });
}

/** The lines a child prints from now on, one per call of the function returned. */
function lines(child: ChildProcessWithoutNullStreams): () => Promise<string> {
  const ready: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : ready.push(line)));
  return () => (ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise<string>((resolve) => waiting.push(resolve)));
}

const leftUnder = (name: string) => readdirSync('/dev/shm').filter((entry) => entry.startsWith(name));

describe.runIf(onLinux)('creating a named segment on Linux', () => {
  it('never lets an open() racing create() and close() find a section before it is complete', async () => {
    const name = uniqueName('race');
    // 16 MiB: reserving it takes long enough for the others to look in between, as they did (29 of 108 opens found 0 bytes).
    const size = String(16 * 1024 * 1024);
    const racers = await Promise.all([
      started('creation-race.mjs', ['create', name, '150', size]),
      started('creation-race.mjs', ['create', name, '150', size]),
      started('creation-race.mjs', ['open', name, '150', size]),
    ]);
    for (const { child } of racers) child.stdin.write('go\n');
    const outputs = await Promise.all(racers.map(({ output }) => output));
    const reports = outputs.map(({ code, signal, stdout, stderr }) => {
      expect({ code, signal }, stderr).toEqual({ code: 0, signal: null });
      return JSON.parse(stdout.trim().split('\n').pop() ?? '') as { created: number; joined: number; missing: number; wrongSizes: string[] };
    });
    expect(reports.map((report) => report.wrongSizes)).toEqual([[], [], []]);
    expect(reports[0]!.created + reports[0]!.joined).toBe(150);
    expect(reports[2]!.joined + reports[2]!.missing).toBe(150);
    // A joiner that came while a creator was still setting up once kept the name for ever.
    expect(leftUnder(name)).toEqual([]);
  });

  it('lets a process that opens the name the moment it appears join a finished section, and remove it as its last user', async () => {
    const { FileMapping } = await loadPackage();
    const name = uniqueName('appears');
    // 512 MiB: reserving it takes the creator a while, during which the name used to be there already, unmarked.
    const size = 512n * 1024n * 1024n;
    const watcher = watch('/dev/shm');
    const appeared = new Promise<void>((resolve) => watcher.on('change', (_event, file) => file === name && resolve()));
    const creator = started('section-holder.mjs', [name, 'finished', 'wait', String(size)]);
    try {
      await Promise.race([appeared, creator]);
    } finally {
      watcher.close();
    }
    const opened = FileMapping.open(name);
    expect(opened.size).toBe(size);
    const { child, output } = await creator;
    child.stdin.write('close\n');
    expect((await output).code).toBe(0);
    // The creator has closed; this process is the last user, and takes the name with it (a joiner that came during
    // the creator's set-up took the section for another program's, and left the name for ever).
    expect(existsSync(`/dev/shm/${name}`)).toBe(true);
    opened.close();
    expect(leftUnder(name)).toEqual([]);
  });

  // An exclusive create() that met the lock of a process removing what was left (an open(), a sweep) threw EEXIST at
  // once: 10 to 50 of 400 rounds ended with the create saying the name existed and the open that it did not.
  it('never lets an exclusive create() call a name taken while another process is removing what was left under it', async () => {
    const name = uniqueName('exclusive-left');
    const sides = await Promise.all(['exclusive', 'open'].map((role) => started('exclusive-race.mjs', [role, name])));
    const answers = sides.map(({ child }) => lines(child));
    const exclusive: Record<string, number> = {};
    for (let round = 0; round < 400; round++) {
      // What a creator killed a while ago leaves: this user's, marked, locked by nobody.
      writeFileSync(`/dev/shm/${name}`, Buffer.alloc(4096));
      chmodSync(`/dev/shm/${name}`, 0o1600);
      for (const { child } of sides) child.stdin.write('go\n');
      const [created] = await Promise.all(answers.map((next) => next()));
      exclusive[created!] = (exclusive[created!] ?? 0) + 1;
      rmSync(`/dev/shm/${name}`, { force: true });
    }
    expect(exclusive).toEqual({ ok: 400 });
  });

  // CPython's shared_memory (and most C programs) create a segment in two steps, shm_open then ftruncate: a create()
  // of the name in between joined it at 0 bytes, a section that could not be mapped (148 of 3000 rounds of a loop of
  // each). Here the other program takes its second step only once this package's create() has joined the segment, and
  // a moment later, as a creator descheduled between its steps would (not a wait of the test's: the create() waits for
  // the size up to a second, and before reported 0 bytes whatever the moment).
  it('never joins a section another program is still creating before it has its size', async () => {
    const name = uniqueName('two-steps');
    const creator = spawn(
      'python3',
      [
        '-c',
        `import fcntl, os, sys, time
from _posixshmem import shm_open
fd = shm_open("/" + sys.argv[1], os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
print("ready", flush=True)
while True:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    except BlockingIOError:
        break  # the other side holds its shared lock: it has joined
time.sleep(0.05)
os.ftruncate(fd, 65536)
os.close(fd)
print("sized", flush=True)`,
        name,
      ],
      { stdio: 'pipe' },
    );
    children.push(creator);
    const fromCreator = lines(creator);
    expect(await fromCreator()).toBe('ready');
    try {
      const node = await started('exclusive-race.mjs', ['create', name]);
      node.child.stdin.write('go\n');
      expect(await lines(node.child)()).toBe('65536');
      expect(await fromCreator()).toBe('sized');
    } finally {
      rmSync(`/dev/shm/${name}`, { force: true });
    }
  });

  // Kills at random moments, a hundred in all: each lands somewhere in create() or close() of the killed process.
  it.each(['section', 'mutex', 'event', 'semaphore'] as const)(
    'leaves nothing a later create() mistakes for a live %s when its creator is killed at any instant',
    async (kind) => {
      const { FileMapping, NamedMutex, NamedEvent, NamedSemaphore } = await loadPackage();
      const name = uniqueName(`killed-${kind}`);
      const create = {
        section: () => FileMapping.create({ name, size: 4096 }),
        mutex: () => NamedMutex.create(name),
        event: () => NamedEvent.create(name),
        semaphore: () => NamedSemaphore.create(name, { initialCount: 1, maximumCount: 2 }),
      }[kind];
      const kills = kind === 'section' ? 40 : 20;
      const found: Array<{ alreadyExisted: boolean; size?: bigint }> = [];
      for (let kill = 0; kill < kills; kill++) {
        const { child, output } = await started('creation-kill.mjs', [kind, name]);
        // A random moment of its loop: from at once to dozens of create() and close() calls in.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 50));
        child.kill('SIGKILL');
        await output;
        const object = create();
        found.push({ alreadyExisted: object.alreadyExisted, ...('size' in object ? { size: object.size } : {}) });
        object.close();
        expect(leftUnder(name)).toEqual([]);
      }
      expect(found).toEqual(Array.from({ length: kills }, () => ({ alreadyExisted: false, ...(kind === 'section' ? { size: 4096n } : {}) })));
    },
  );
});

// A tmpfs of 4 MiB over /dev/shm, in a mount namespace of the test's own: needs root (CI runs as root).
const root = process.getuid?.() === 0;
describe.runIf(onLinux)('creating a section where there is no room', () => {
  it.skipIf(!root)('fails with ENOSPC at create(), leaves nothing, and never lets another process touch the section it could not make', async () => {
    const name = uniqueName('no-room');
    const report = await inSmallShm('small-shm.mjs', [name, '4']);
    expect(report).toEqual({
      named: { error: expect.objectContaining({ code: 'ENOSPC', syscall: 'posix_fallocate' }) },
      // Grown sparse, the file took the room only on the first write through the view: a SIGBUS of the host.
      file: { error: expect.objectContaining({ code: 'ENOSPC', syscall: 'fallocate' }) },
      leftAfterCreates: [],
      creatorFailures: 40,
      // Ended by the test's SIGTERM, not by a SIGBUS.
      opener: { code: null, signal: 'SIGTERM' },
      leftAtEnd: [],
      nameLeft: false,
    });
  });
});

const failed = (code: string, syscall: string) => ({ name: 'PosixError', code, syscall, message: expect.any(String) as unknown as string });

describe.runIf(onLinux)('creating a mutex, an event or a semaphore where there is no room', () => {
  it.skipIf(!root)('fails with ENOSPC at create() and leaves nothing, where writing the new object was a SIGBUS of the host', async () => {
    const name = uniqueName('full');
    expect(await inSmallShm('shm-mounts.mjs', ['full', name], 'true')).toEqual({
      mutex: failed('ENOSPC', 'posix_fallocate'),
      event: failed('ENOSPC', 'posix_fallocate'),
      semaphore: failed('ENOSPC', 'posix_fallocate'),
      section: failed('ENOSPC', 'posix_fallocate'),
      left: [],
      descriptors: 0,
    });
  });
});

describe.runIf(onLinux)('creating a named segment without /proc', () => {
  // linkat() of /proc/self/fd/N failed with ENOENT, and the message said "Nothing has this name: ... must be created first".
  it.skipIf(!root)('names the new segment all the same', async () => {
    const name = uniqueName('no-proc');
    expect(await inSmallShm('shm-mounts.mjs', ['no-proc', name], 'umount -l /proc')).toEqual({ section: 'ok', mutex: 'ok', left: [], descriptors: 'unknown' });
  });
});

describe.runIf(onLinux)('growing the file of a file-backed section', () => {
  it('reserves the part it adds, and leaves the holes an existing file had as they are, as Windows does', async () => {
    const { FileMapping } = await loadPackage();
    const grown = join(tmpdir(), uniqueName('grown'));
    const sparse = join(tmpdir(), uniqueName('sparse'));
    const mib = 1024 * 1024;
    try {
      FileMapping.create({ file: grown, size: 4 * mib }).close();
      writeFileSync(sparse, '');
      truncateSync(sparse, 64 * mib); // made sparse by another program
      FileMapping.create({ file: sparse, size: 64 * mib }).close();
      // Allocated blocks (of 512 bytes): every byte of the grown file, none of the sparse one (reserving it all used to
      // allocate its holes, or fail with ENOSPC on a file that mapped before).
      expect({ grown: statSync(grown).blocks * 512 >= 4 * mib, sparse: statSync(sparse).blocks }).toEqual({ grown: true, sparse: 0 });
    } finally {
      rmSync(grown, { force: true });
      rmSync(sparse, { force: true });
    }
  });
});
