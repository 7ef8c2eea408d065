// What `npm test` needs beyond Node (scripts/prerequisites.mjs, its pretest): where it cannot install it, it stops at
// once with the one command that does, before building anything.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'prerequisites.mjs');

describe.runIf(process.platform === 'linux')("npm test's prerequisites", () => {
  it('stops with the one command that installs what is missing, where it cannot install it itself', () => {
    // An empty PATH: no program the tests need can be found, and no apt-get to install them with.
    const result = spawnSync(process.execPath, [SCRIPT], { env: { PATH: '' }, encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 1, stdout: '' });
    expect(result.stderr).toContain('sudo apt-get update && sudo apt-get install -y debootstrap gcc-mingw-w64-x86-64 python3 gcc libc6-dev\n');
  });

  it('installs nothing and says nothing when everything is there', () => {
    const result = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  });
});
