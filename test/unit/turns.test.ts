// This process's turns at its mutexes (src/sync/turns.ts): one holder per mutex, the others in order, and nothing
// kept once a mutex is neither held nor awaited.
import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/sync/turns.js';

describe('Turns', () => {
  it('forgets a mutex once nothing holds or waits for it, however many names were used', async () => {
    const turns = new Turns();
    for (let i = 0; i < 20_000; i++) {
      const key = `name-${i}`;
      expect(turns.tryTake(key)).toBe(true);
      turns.pass(key);
    }
    for (let i = 0; i < 100; i++) {
      const key = `async-${i}`;
      expect(await turns.take(key, Infinity, undefined)).toBe(true);
      turns.pass(key);
    }
    expect(turns.size).toBe(0);
  });

  it('gives the turn to one holder at a time, then to the waiting locks in order', async () => {
    const turns = new Turns();
    expect(turns.tryTake('m')).toBe(true);
    expect(turns.tryTake('m')).toBe(false);
    const order: string[] = [];
    const second = turns.take('m', Infinity, undefined).then((taken) => order.push(`second ${taken}`));
    const third = turns.take('m', Infinity, undefined).then((taken) => order.push(`third ${taken}`));
    turns.pass('m');
    await second;
    expect(order).toEqual(['second true']);
    turns.pass('m');
    await third;
    expect(order).toEqual(['second true', 'third true']);
    turns.pass('m');
    expect(turns.size).toBe(0);
  });

  it('ends a wait for the turn on timeout or abort, and forgets it when the holder passes', async () => {
    const turns = new Turns();
    turns.tryTake('m');
    expect(await turns.take('m', 0, undefined)).toBe(false);
    const controller = new AbortController();
    const aborted = turns.take('m', Infinity, controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await expect(turns.take('m', Infinity, controller.signal)).rejects.toThrow('stop');
    turns.pass('m');
    expect(turns.size).toBe(0);
  });
});
