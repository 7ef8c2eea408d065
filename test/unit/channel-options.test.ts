// The synchronous Channel calls read their timeout by hand for the shapes nearly every call has (parseSyncTimeout):
// it must accept and refuse exactly what the schema does, with the schema's errors.
import { describe, expect, it } from 'vitest';
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
