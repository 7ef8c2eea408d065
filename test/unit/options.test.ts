import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FileMappingValidationError } from '../../src/errors.js';
import { createOptionsSchema, mapOptionsSchema, openOptionsSchema, parseName, parseOptions } from '../../src/options.js';

/** The error parseOptions throws for `value`, which must be a FileMappingValidationError. */
function refusal(schema: z.ZodType, value: unknown): FileMappingValidationError {
  try {
    parseOptions(schema, value, 'test options');
  } catch (error) {
    expect(error).toBeInstanceOf(FileMappingValidationError);
    return error as FileMappingValidationError;
  }
  throw new Error(`accepted ${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
}

describe('create options', () => {
  it.each([
    ['size', { size: -1 }, /non-negative/],
    ['size', { size: 0 }, /greater than 0/],
    ['size', { size: 1.5 }, /integer/],
    ['size', { size: Number.NaN }, /integer/],
    ['size', { size: '1024' }, /number or a bigint/],
    ['size', { size: 2 ** 53 }, /pass a bigint/],
    ['size', { size: 2n ** 64n }, /64 bits/],
    ['size', {}, /Required for a section backed by the paging file/],
    ['protection', { size: 1, protection: 'rw' }, /'readonly', 'readwrite', 'writecopy', 'execute-read'/],
    ['attributes', { size: 1, attributes: ['commit', 'commit'] }, /repeat/],
    ['attributes', { size: 1, attributes: ['commit', 'reserve'] }, /exclude each other/],
    ['attributes', { file: 'a.bin', attributes: ['large-pages'] }, /paging file/],
    ['attributes', { size: 1, attributes: ['large-pages', 'reserve'] }, /committed memory/],
    ['attributes', { size: 1, attributes: ['image'] }, /need a file/],
    ['attributes', { size: 1, attributes: ['fast'] }, /'commit', 'reserve', 'large-pages'/],
    ['exclusive', { size: 1, exclusive: true }, /Needs a name/],
    ['exclusive', { name: 'x', size: 1, exclusive: 'yes' }, /boolean/],
    ['file', { file: '' }, /empty/],
    ['security', { size: 1, security: '' }, /empty/],
    ['security', { size: 1, security: 42 }, /SDDL/],
    ['inheritable', { size: 1, inheritable: 'yes' }, /boolean/],
    ['file', { file: 'a\0b' }, /NUL/],
    ['name', { name: '', size: 1 }, /empty/],
    ['colour', { size: 1, colour: 'red' }, /colour/],
  ])('refuses a bad %s: %o', (option, value, message) => {
    const error = refusal(createOptionsSchema, value);
    expect(error.message).toMatch(message);
    expect(error.issues.some((issue) => issue.includes(option))).toBe(true);
    expect(error.cause).toBeInstanceOf(z.ZodError);
  });

  it('lists every problem of one object', () => {
    const fields = refusal(createOptionsSchema, { size: -1, protection: 'rw', extra: 1 });
    expect(fields.issues).toHaveLength(3);
    for (const option of ['size', 'protection', 'extra']) expect(fields.message).toContain(option);
    // Rules between options are checked once each option is valid on its own, and are listed together too.
    const rules = refusal(createOptionsSchema, { size: 1, exclusive: true, attributes: ['commit', 'reserve', 'image'] });
    expect(rules.issues).toHaveLength(3);
    for (const fragment of ['exclusive', 'exclude each other', 'need a file']) expect(rules.message).toContain(fragment);
  });

  it('normalises sizes to bigint and fills the defaults', () => {
    expect(parseOptions(createOptionsSchema, { size: 1024 }, 'x')).toEqual({
      size: 1024n,
      protection: 'readwrite',
      attributes: [],
      exclusive: false,
      inheritable: false,
    });
    expect(parseOptions(createOptionsSchema, { file: 'a.bin', size: 5n * 2n ** 30n }, 'x').size).toBe(5368709120n);
  });
});

describe('names', () => {
  it.each(['Local\\x', 'Global\\x', 'Session\\1\\x', 'plain', 'with spaces and ünïcode', 'x'.repeat(260)])('accepts %j', (name) => {
    expect(parseName(name, 'name')).toBe(name);
  });

  it.each([
    ['', /empty/],
    ['a\0b', /NUL/],
    ['x'.repeat(261), /at most 260/],
    ['Local\\a\\b', /backslash/],
    ['a\\b', /backslash/],
    ['Local\\', /name after the prefix/],
    [42, /string/],
  ])('refuses %j', (name, message) => {
    expect(() => parseName(name, 'name')).toThrow(FileMappingValidationError);
    expect(() => parseName(name, 'name')).toThrow(message);
  });
});

describe('open options', () => {
  it('defaults to read/write access, not inheritable', () => {
    expect(parseOptions(openOptionsSchema, undefined, 'x')).toEqual({ access: 'write', inheritable: false });
  });

  it.each([
    ['access', { access: 'readwrite' }, /'read', 'write', 'all', 'copy'/],
    ['inheritable', { inheritable: 1 }, /boolean/],
    ['timeout', { timeout: 5 }, /timeout/],
  ])('refuses a bad %s', (option, value, message) => {
    const error = refusal(openOptionsSchema, value);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(option);
  });
});

describe('map options', () => {
  it('normalises offset, length and address to bigint', () => {
    expect(parseOptions(mapOptionsSchema, { offset: 65536, length: 10, address: 0x10000 }, 'x')).toEqual({
      offset: 65536n,
      length: 10n,
      address: 65536n,
    });
    expect(parseOptions(mapOptionsSchema, {}, 'x')).toEqual({ offset: 0n });
  });

  it.each([
    ['offset', { offset: -65536 }, /non-negative/],
    ['offset', { offset: 0.5 }, /integer/],
    ['length', { length: 0 }, /greater than 0/],
    ['length', { length: -0.5 }, /integer/],
    ['address', { address: 0 }, /greater than 0/],
    ['access', { access: 'execute' }, /'execute-read'/],
    ['size', { size: 1 }, /size/],
  ])('refuses a bad %s: %o', (option, value, message) => {
    const error = refusal(mapOptionsSchema, value);
    expect(error.message).toMatch(message);
    expect(error.issues.some((issue) => issue.includes(option))).toBe(true);
  });
});
