// OwnedHandle (src/owned-handle.ts): one owner, holders that keep the handle open, closed exactly once when the last
// lets go; and the section handle of a FileMapping held by its views.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMapping } from '../../src/section/file-mapping.js';
import { OwnedHandle } from '../../src/core/owned-handle.js';
import { FakeKernel32, setKernel32ForTesting } from './fake-kernel32.js';

describe('OwnedHandle', () => {
  it('closes once the owner has let go and the last holder has released it, and only once', () => {
    const closed: number[] = [];
    const handle = new OwnedHandle(7, (value) => closed.push(value));
    expect(handle.hold()).toBe(7);
    handle.hold();
    handle.letGo();
    handle.letGo();
    expect(handle.value).toBeUndefined();
    expect(handle.holders).toBe(2);
    handle.release();
    expect(closed).toEqual([]);
    handle.release();
    expect(closed).toEqual([7]);
    expect(handle.closed).toBe(true);
    handle.release();
    expect(closed).toEqual([7]);
    expect(() => handle.hold()).toThrow(/after the handle was closed/);
  });

  it('closes at once when nothing holds it, and gives the close failure to whoever let go last', () => {
    const handle = new OwnedHandle('fd', () => {
      throw new Error('close failed');
    });
    expect(() => handle.letGo()).toThrow('close failed');
    expect(handle.closed).toBe(true);
  });
});

describe('the section handle of a FileMapping', () => {
  let k32: FakeKernel32;
  beforeEach(() => {
    k32 = new FakeKernel32();
    setKernel32ForTesting(k32);
  });
  afterEach(() => setKernel32ForTesting(undefined));

  it('stays open after close() while a view is mapped, and closes with the last unmap', () => {
    const mapping = FileMapping.create({ name: 'Local\\held', size: 65536 });
    const handle = mapping.handle;
    const first = mapping.map();
    const second = mapping.map();
    mapping.close();
    expect(mapping.closed).toBe(true);
    expect(() => mapping.map()).toThrow(/closed/);
    expect(k32.closedHandles).toEqual([]);
    first.unmap();
    expect(k32.closedHandles).toEqual([]);
    second.unmap();
    expect(k32.closedHandles).toEqual([handle]);
  });

  it('closes at once when no view is mapped', () => {
    const mapping = FileMapping.create({ size: 65536 });
    const handle = mapping.handle;
    mapping.map().unmap();
    mapping.close();
    expect(k32.closedHandles).toEqual([handle]);
  });
});
