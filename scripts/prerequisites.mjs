// What `npm test` needs beyond Node, on Debian or Ubuntu: debootstrap (the Debian 13 chroot whose Wine 10 runs the
// Windows half), mingw-w64 (the Windows C peers), python3 and gcc (the Linux peers). `npm test` runs this first
// (pretest): it installs what is missing with apt-get when it runs as root (CI does), and otherwise stops at once with
// the one command that installs it. Safe to run again: it installs nothing when everything is there.
// Usage: node scripts/prerequisites.mjs
import { spawnSync } from 'node:child_process';

/** Each program the tests run, and the Debian packages that bring it. */
const NEEDED = [
  ['debootstrap', ['debootstrap']],
  ['x86_64-w64-mingw32-gcc', ['gcc-mingw-w64-x86-64']],
  ['python3', ['python3']],
  ['gcc', ['gcc', 'libc6-dev']],
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

// Windows runs the same suites natively (no Wine, no chroot) and brings its own compilers or skips those peers.
if (process.platform === 'linux') {
  const missing = NEEDED.filter(([command]) => !has(command)).flatMap(([, packages]) => packages);
  if (missing.length > 0) {
    const install = `apt-get install -y ${missing.join(' ')}`;
    if (process.getuid?.() !== 0 || !has('apt-get')) {
      console.error(
        `npm test needs ${missing.join(', ')} (the tests' Windows runtime and C and Python peers). Install them with:\n  sudo apt-get update && sudo ${install}`,
      );
      process.exit(1);
    }
    console.log(`Installing what the tests need: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', ...missing],
    ]) {
      const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
      if (result.status !== 0) {
        console.error(`apt-get ${args.join(' ')} failed (exit ${result.status}): install them by hand with\n  ${install}`);
        process.exit(1);
      }
    }
  }
}
