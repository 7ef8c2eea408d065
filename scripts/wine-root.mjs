// Wine 10 from Debian 13 (trixie), in a chroot of its own under .cache/wine10/root, for the Windows builds of Node that
// Debian 12's Wine 8 cannot start (Node 24 and later; esbuild's Go runtime, which tsx needs, wants Wine 10's
// bcryptprimitives.dll). Only Debian packages: debootstrap makes the chroot from the Debian archive apt already uses,
// and apt inside it installs wine64.
//
// What it needs: root (debootstrap, chroot and bind mounts), the debootstrap package, the Debian archive over the
// network the first time, and about 1.2 GB of disk for the chroot (measured: see SIZE_NOTE). Made once, reused after:
// a marker file says it is complete, and an interrupted set-up starts again from scratch.
//
// While a process uses it, the chroot sees the host's /proc, /dev, /dev/shm, /tmp and this repository at the same
// paths (bind mounts), so the Windows programs find every file at the path the tests give them (as Z:\...). The
// process that made the mounts undoes them when it ends (`node scripts/windows-runtime.mjs unmount` undoes them all).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The chroot: .cache/wine10/root, or where FILEMAPPING_WINE_ROOT says (to share one between clones, say). */
export const WINE_ROOT = resolve(process.env.FILEMAPPING_WINE_ROOT || join(REPO, '.cache', 'wine10', 'root'));
const HOME = dirname(WINE_ROOT);
/** Wine's loader and server inside the chroot (Debian keeps the 64-bit ones under /usr/lib/wine). */
export const WINE = '/usr/lib/wine/wine64';
export const WINESERVER = '/usr/lib/wine/wineserver64';
const MARKER = join(WINE_ROOT, '.filemapping-wine10');
const SUITE = 'trixie';
/** Measured on the development machine: the finished chroot's size (du -sh). */
export const SIZE_NOTE = 'about 1.2 GB';
export const DEBOOTSTRAP_INSTALL = 'sudo apt-get update && sudo apt-get install -y debootstrap';

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** What is missing to make or use the chroot, as a message saying how to get it; undefined when nothing is. */
export function wineRootProblem() {
  if (process.getuid?.() !== 0) {
    return `The Windows tests run Windows Node under Wine 10 in a Debian 13 chroot (${WINE_ROOT}), which needs root (debootstrap, chroot and bind mounts): run them as root`;
  }
  if (!existsSync(MARKER) && !has('debootstrap')) {
    return `The Windows tests run Windows Node under Wine 10 in a Debian 13 chroot made with debootstrap, which is not installed. Install it with:\n  ${DEBOOTSTRAP_INSTALL}\n(the chroot then takes ${SIZE_NOTE} of disk and about a minute to make on the test machine, once)`;
  }
  return undefined;
}

/** The Debian archive apt already uses (deb822 or one-line sources), or Debian's own. */
function debianMirror() {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const deb822 = /^URIs:\s*(\S+\/debian)\/?\s*$/mu.exec(text);
    if (deb822) return deb822[1];
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/mu.exec(text);
    if (oneLine) return oneLine[1];
  }
  return 'http://deb.debian.org/debian';
}

/** The mounts the chroot needs: [source, target inside it, mount arguments]. */
function mountsOf(root) {
  return [
    ['proc', join(root, 'proc'), ['-t', 'proc']],
    ['/dev', join(root, 'dev'), ['--bind']],
    ['/dev/shm', join(root, 'dev', 'shm'), ['--bind']],
    ['/tmp', join(root, 'tmp'), ['--bind']],
    [REPO, join(root, REPO), ['--bind']],
  ];
}

const mounted = (target) =>
  readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[1] === target);

/** Mounts what is not mounted yet under `root`; returns the targets this call mounted. */
function mount(root, which = mountsOf(root)) {
  const made = [];
  for (const [source, target, args] of which) {
    if (mounted(target)) continue;
    mkdirSync(target, { recursive: true });
    execFileSync('mount', [...args, source, target]);
    made.push(target);
  }
  return made;
}

/** Unmounts `targets`, deepest first; lazily, so that a process still inside cannot keep one. */
function unmount(targets) {
  for (const target of [...targets].reverse()) spawnSync('umount', ['-l', target], { stdio: 'ignore' });
}

/** Makes the chroot with Wine 10 in it, unless it is there already. Throws with what is missing. */
export function ensureWineRoot() {
  if (existsSync(MARKER)) return;
  const problem = wineRootProblem();
  if (problem) throw new Error(problem);
  const partial = `${WINE_ROOT}.partial`;
  unmount(
    mountsOf(partial)
      .map(([, target]) => target)
      .filter(mounted),
  );
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(HOME, { recursive: true });
  const started = Date.now();
  console.error(`Making a Debian 13 chroot with Wine 10 in ${WINE_ROOT} (once; ${SIZE_NOTE}, about a minute)...`);
  execFileSync('debootstrap', ['--variant=minbase', SUITE, partial, debianMirror()], { stdio: ['ignore', 'ignore', 'inherit'] });
  copyFileSync('/etc/resolv.conf', join(partial, 'etc', 'resolv.conf'));
  const made = mount(partial, mountsOf(partial).slice(0, 3));
  let version;
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('chroot', [partial, 'apt-get', 'update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('chroot', [partial, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'wine64'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('chroot', [partial, 'apt-get', 'clean']);
    // Wine finds itself through /proc: asked while it is mounted.
    version = execFileSync('chroot', [partial, WINE, '--version'], { encoding: 'utf8' }).trim();
  } finally {
    unmount(made);
  }
  writeFileSync(join(partial, '.filemapping-wine10'), `${version}\n`);
  renameSync(partial, WINE_ROOT);
  console.error(`${version} ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

let ours;
let serverEnv;

/**
 * Mounts what the Windows programs need inside the chroot, once per process; the mounts this process made are
 * undone when it exits (after stopping the wineserver of `env`'s prefix). Another process's mounts are reused and
 * left alone.
 */
export function mountWineRoot(env, { keep = false } = {}) {
  if (ours) return;
  serverEnv = env;
  ours = mount(WINE_ROOT);
  if (keep) ours = [];
  else process.once('exit', () => unmountWineRoot());
}

/** Undoes every mount of the chroot (whoever made them), after stopping the wineserver of `env`'s prefix. */
export function unmountAll(env) {
  spawnSync('chroot', [WINE_ROOT, WINESERVER, '-k'], { env, stdio: 'ignore' });
  unmount(
    mountsOf(WINE_ROOT)
      .map(([, target]) => target)
      .filter(mounted),
  );
  ours = undefined;
}

/** Stops the chroot's wineserver and undoes the mounts this process made. */
function unmountWineRoot() {
  if (!ours) return;
  if (ours.length > 0) spawnSync('chroot', [WINE_ROOT, WINESERVER, '-k'], { env: serverEnv, stdio: 'ignore' });
  unmount(ours);
  ours = undefined;
}

/** The command line that runs `program` (a Wine tool inside the chroot) with `args`, in `cwd`. */
export function inWineRoot(program, args, cwd = REPO) {
  return ['chroot', [WINE_ROOT, '/usr/bin/env', '-C', cwd, program, ...args]];
}

/** Wine's version in the chroot, e.g. 'wine-10.0 (Debian 10.0~repack-6)'. */
export function wineVersion() {
  return existsSync(MARKER) ? readFileSync(MARKER, 'utf8').trim() : undefined;
}
