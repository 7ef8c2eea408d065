// The peers of a channel end (src/channel/peers.ts): one process handle per peer that holds a role, and none kept for
// peers that left (a long-lived reader with many short-lived writers once kept one handle for every writer it saw).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Peers } from '../../src/channel/peers.js';
import { win32Sync } from '../../src/win32/sync.js';
import { FakeKernel32, setKernel32ForTesting } from './fake-kernel32.js';

describe('Peers', () => {
  let k32: FakeKernel32;
  beforeEach(() => {
    k32 = new FakeKernel32();
    setKernel32ForTesting(k32);
  });
  afterEach(() => setKernel32ForTesting(undefined));

  it('keeps one handle per peer, and closes those of peers that no longer hold a role', () => {
    const peers = new Peers(win32Sync(k32), {});
    const handles = [101, 102, 103].map((pid) => peers.waitable(pid));
    expect(peers.waitable(101)).toBe(handles[0]);
    expect(peers.size).toBe(3);
    peers.keepOnly([103, 0]);
    expect(peers.size).toBe(1);
    expect(k32.closedHandles).toEqual([handles[0], handles[1]]);
    for (let pid = 200; pid < 300; pid++) {
      peers.waitable(pid);
      peers.keepOnly([pid]);
    }
    expect(peers.size).toBe(1);
    peers.clear();
    expect(peers.size).toBe(0);
    expect(k32.closedHandles).toHaveLength(103);
  });
});
