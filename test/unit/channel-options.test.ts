// The synchronous Channel calls read their timeout by hand for the shapes nearly every call has (parseSyncTimeout):
// it must accept and refuse exactly what the schema does, with the schema's errors. A message too long for its ring
// says what capacity would carry it, in claim() as in send().
import { describe, expect, it } from 'vitest';
import { checkLength, tooLong } from '../../src/channel/messages.js';
import { parseSyncTimeout, syncSchema } from '../../src/channel/options.js';
import { FileMappingValidationError } from '../../src/errors.js';
import { parseOptions } from '../../src/section/options.js';

const outcome = (read: () => number): number | string => {
  try {
    return read();
  } catch (error) {
    expect(error).toBeInstanceOf(FileMappingValidationError);
    return (error as Error).message;
  }
};

const inherited = Object.create({ timeoutMs: 5 }) as object;

describe('parseSyncTimeout', () => {
  // zod's number() refuses Infinity: the timeout schema refused `{ timeoutMs: Infinity }` (for every wait, not only
  // the Channel's) although Infinity is its default and its message names it.
  it('takes Infinity when it is given, as the schema does', () => {
    expect(parseOptions(syncSchema, { timeoutMs: Infinity }, 'Channel.send() options').timeoutMs).toBe(Infinity);
    expect(parseSyncTimeout({ timeoutMs: Infinity }, 'Channel.send() options')).toBe(Infinity);
  });

  it.each([
    ['no options', undefined],
    ['{}', {}],
    ['0', { timeoutMs: 0 }],
    ['1000', { timeoutMs: 1000 }],
    ['Infinity', { timeoutMs: Infinity }],
    ['the largest', { timeoutMs: 0xffff_fffe }],
    ['undefined', { timeoutMs: undefined }],
    ['INFINITE itself', { timeoutMs: 0xffff_ffff }],
    ['negative', { timeoutMs: -1 }],
    ['a fraction', { timeoutMs: 1.5 }],
    ['NaN', { timeoutMs: NaN }],
    ['a string', { timeoutMs: '10' }],
    ['a bigint', { timeoutMs: 10n }],
    ['another key', { timeoutMs: 10, foo: 1 }],
    ['only another key', { foo: 1 }],
    ['null', null],
    ['a number', 10],
    ['an array', [10]],
    ['an inherited timeoutMs', inherited],
    ['a Map', new Map([['timeoutMs', 10]])],
  ])('answers %s as the schema does', (_what, options) => {
    const schema = outcome(() => parseOptions(syncSchema, options, 'Channel.send() options').timeoutMs);
    expect(outcome(() => parseSyncTimeout(options, 'Channel.send() options'))).toEqual(schema);
  });
});

describe('a message too long for its ring', () => {
  // Before, claim(1 << 20) on a 1 MiB ring said only "expected an integer from 0 to 1048572", and send() "create the
  // channel with a larger capacity": a 1 MiB message needs a 2 MiB ring (its 4-byte length field), found by trial.
  it.each([
    [4093, 4092, 'a capacity of 8192 (8 KiB) or more'],
    [1 << 20, (1 << 20) - 4, 'a capacity of 2097152 (2 MiB) or more'],
    [(1 << 20) - 4, 4092, 'a capacity of 1048576 (1 MiB) or more'],
    [(1 << 20) - 3, 4092, 'a capacity of 2097152 (2 MiB) or more'],
    [2 ** 30 - 4, 4092, 'a capacity of 1073741824 (1024 MiB) or more'],
    [2 ** 30 - 3, 4092, 'split it: no channel carries more than 1073741820 bytes (a 1 GiB ring)'],
  ])('names the capacity a %i-byte message needs (messages here: at most %i bytes)', (length, max, needed) => {
    expect(tooLong('message', length, max)).toContain(needed);
    expect(() => checkLength(length, max, 'Channel.claim() length')).toThrow(
      `length: ${length} bytes is longer than this channel carries (${max} bytes: its capacity minus 4); split it`,
    );
  });

  it('still refuses what is not a length with the range of lengths', () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => checkLength(bad, 4092, 'Channel.claim() length')).toThrow(
        `expected an integer from 0 to 4092 (the longest message this channel carries), got ${bad}`,
      );
    }
  });
});
