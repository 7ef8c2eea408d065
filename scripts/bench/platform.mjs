// Everything the benchmark drivers do differently per OS, in one place: which Node runs the scripts, how the C
// peers are built and run, which methods each benchmark has and what they are called, and what the environment was.
//
// Targets: 'linux' (the default on Linux: the newest Linux Node of scripts/linux-runtime.mjs, C peers built with gcc
// and run natively), 'wine' (on Linux with `--wine` or FILEMAPPING_BENCH_WINE=1: the newest Windows node.exe of
// scripts/windows-runtime.mjs under Wine, C peers built with mingw-w64), 'windows' (on Windows: the running node.exe).
// The peers themselves (bulk-peer.mjs, latency-peer.mjs...) run in that Node and see its OS: peer-os.mjs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { LINUX_NODE_VERSIONS, provisionLinux, run } from '../linux-runtime.mjs';
import { buildC as buildWindowsC, provision, ROOT, runWindows } from '../windows-runtime.mjs';

export { ROOT };
export const BENCH = join(ROOT, 'scripts', 'bench');

/** The positional arguments of the running benchmark, without the flag this module reads. */
export const args = process.argv.slice(2).filter((a) => a !== '--wine');

const wantsWine = process.argv.includes('--wine') || process.env.FILEMAPPING_BENCH_WINE === '1';
if (wantsWine && process.platform !== 'linux') throw new Error('--wine runs the Windows build under Wine on Linux; this is not Linux');
/** 'linux', 'wine' or 'windows': where the measured processes run. */
export const TARGET = process.platform === 'win32' ? 'windows' : wantsWine ? 'wine' : 'linux';
const windowsLike = TARGET !== 'linux';

/**
 * Where the result files go: FILEMAPPING_BENCH_RESULTS when set (all.mjs sets it for --quick runs and the smoke test
 * for a folder of its own), else bench-results/TARGET, so that a Wine run never overwrites a native one.
 */
export const RESULTS = process.env.FILEMAPPING_BENCH_RESULTS ?? join(ROOT, 'bench-results', TARGET);

const windows = windowsLike ? provision() : undefined;
const linux = windowsLike ? undefined : provisionLinux();
/** The Node every script runs in: the newest provisioned (on Linux 24, whose in-place Channel buffers are the ring's own bytes). */
export const NODE_VERSION = windowsLike ? windows.versions[windows.versions.length - 1] : LINUX_NODE_VERSIONS[LINUX_NODE_VERSIONS.length - 1];
/** That Node's executable, for the import benchmark, which starts it itself. */
export const NODE_PATH = windowsLike
  ? windows.native
    ? process.execPath
    : join(ROOT, '.cache', 'windows', `node-v${NODE_VERSION}`, 'node.exe')
  : linux.nodePath(NODE_VERSION);

/** Runs a script of scripts/bench in that Node; resolves to { code, stdout, stderr }. */
export const runNode = (script, scriptArgs = [], options = {}) =>
  windowsLike
    ? windows.runNode(NODE_VERSION, join(BENCH, script), scriptArgs.map(String), options)
    : run(NODE_PATH, [join(BENCH, script), ...scriptArgs.map(String)], options);

/** Runs a program of the target's kind (a C peer, or NODE_PATH): under Wine for the 'wine' target. */
export const runExe = (exe, exeArgs = [], options = {}) =>
  windowsLike ? runWindows(exe, exeArgs.map(String), options) : run(exe, exeArgs.map(String), options);

/** A path as the target's programs see it (Wine's Z: drive for the 'wine' target). */
export const targetPath = (path) => (windows ? windows.toWindowsPath(path) : path);

/**
 * Builds scripts/bench/BASE.windows.c (mingw-w64) or BASE.linux.c (gcc -O2, natively): each OS's C peer makes that
 * OS's calls, so the two are separate programs with the same command line and the same JSON output.
 */
export function buildC(base) {
  if (windowsLike) return buildWindowsC(join(BENCH, `${base}.windows.c`));
  const output = join(ROOT, '.cache', 'linux', 'c', base);
  mkdirSync(dirname(output), { recursive: true });
  execFileSync('gcc', ['-O2', '-Wall', '-Werror', '-o', output, join(BENCH, `${base}.linux.c`)], { stdio: 'inherit' });
  return output;
}

/** What each OS calls its methods, and which it has. */
export const NAMES = windowsLike
  ? {
      socket: 'named pipe, node:net',
      cPairs: [
        ['c', 'C pair: section + two events, set for every message (mingw-w64)'],
        ['c-waiting', "C pair, events set only for a waiting side (the Channel's protocol)"],
        ['c-spin', 'C pair, spinning on the section (no kernel call)'],
      ],
      /** The C pair that waits the way a Channel does: the one the not-spinning Channel is held to. */
      cProtocol: 'c-waiting',
      cCalls: 'SetEvent + WaitForSingleObject on a signalled event (C)',
      /** (a) with semaphores needs the raw win32 layer; Linux has no equivalent worth a row. */
      extraBulk: [['section-sem', '(a) the same with two semaphores (raw calls)']],
      compiler: 'mingw-w64',
    }
  : {
      socket: 'Unix socket, node:net',
      cPairs: [
        ['c-futex', "C pair: futex, flag raised before sleeping, wake only when raised (the Channel's protocol)"],
        ['c-spin', 'C pair, spinning on the shared memory (no system call)'],
      ],
      cProtocol: 'c-futex',
      cCalls: 'FUTEX_WAKE (no waiter) + FUTEX_WAIT on a changed word (EAGAIN), one process (C)',
      extraBulk: [],
      compiler: 'gcc',
    };

const loadAtStart = loadavg().map((x) => Number(x.toFixed(2)));

/** What the figures were measured on: in every result file, and said beside every table. */
export function environment() {
  const kernel = process.platform === 'linux' ? readFileSync('/proc/version', 'utf8').split(' ').slice(0, 3).join(' ') : undefined;
  return {
    date: new Date().toISOString(),
    target: TARGET,
    native: TARGET !== 'wine',
    node: NODE_VERSION,
    nodeBuild: windowsLike ? 'Windows node.exe' : 'Linux node',
    ...(TARGET === 'wine' ? { wine: wineVersion() } : {}),
    ...(kernel ? { kernel } : {}),
    compiler: compilerVersion(),
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    osRelease: release(),
    /** The 1, 5 and 15-minute load averages at the start of the benchmark and when its results were written: the machine is shared. */
    loadAverageAtStart: loadAtStart,
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

/** The sentence that says where a table's figures come from. */
export function where(env) {
  if (env.target === 'wine')
    return `**Measured under Wine**: Windows node.exe ${env.node} under ${env.wine} on ${env.kernel}, ${env.cpus} CPUs: kernel calls are Wine's, not Windows'`;
  if (env.target === 'windows') return `Windows node.exe ${env.node}, natively`;
  return `Natively on Linux: Linux Node ${env.node}, C built with ${env.compiler}, ${env.kernel}, ${env.cpus} CPUs`;
}

function commandLine(command, commandArgs) {
  try {
    return execFileSync(command, commandArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]
      .trim();
  } catch {
    return `${command} (version unknown)`;
  }
}
let cachedWine;
// The Wine the runtime runs (10.0, in its chroot), not a host `wine` that may be another version.
const wineVersion = () => (cachedWine ??= windows?.wine ?? 'Wine (version unknown)');
let cachedCompiler;
const compilerVersion = () => (cachedCompiler ??= commandLine(TARGET === 'wine' ? 'x86_64-w64-mingw32-gcc' : 'gcc', ['--version']));
