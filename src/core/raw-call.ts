/**
 * The raw layers' argument checks (filemapping/win32, filemapping/posix): a native function wrapped so that its
 * arguments, named as in the OS's documentation, are checked before the call, since koffi does not range-check
 * integers and the system would write past a Buffer that is too small. A bad argument throws a
 * FileMappingValidationError naming it; nothing else is added (failures are reported as in C).
 */
import type { z } from 'zod';
import { FileMappingValidationError } from '../errors.js';
import { zod } from './zod.js';

/**
 * A check between arguments that each passed on their own: a size or count that describes a caller's Buffer or array
 * must fit in it. Returns the problems, each as `[argument index, message]`.
 */
export type Relation = (args: readonly unknown[]) => Array<[number, string]>;

/**
 * `target()`'s function `name`, its arguments checked first against `parameters()` (built on the first call: importing
 * a raw layer loads no zod), then `relation` between them.
 */
export function checkedFunction<F>(
  name: string,
  parameters: () => Record<string, z.ZodType>,
  target: () => (...args: unknown[]) => unknown,
  relation?: Relation,
): F {
  let made: { names: string[]; schema: z.ZodType } | undefined;
  const call = (...args: unknown[]) => {
    if (!made) {
      const record = parameters();
      made = { names: Object.keys(record), schema: zod().tuple(Object.values(record) as [z.ZodType, ...z.ZodType[]]) };
    }
    const { names, schema } = made;
    const result = schema.safeParse(args);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => {
        const index = issue.path[0];
        const parameter = typeof index === 'number' ? names[index] : undefined;
        // A length issue of the tuple itself (no path) is a wrong argument count; inside an argument it is that argument's.
        if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'array' && issue.path.length === 0) {
          return `${names.length} arguments expected, got ${args.length}`;
        }
        return `${parameter ?? name} (argument ${typeof index === 'number' ? index + 1 : '?'}): ${issue.message}`;
      });
      throw new FileMappingValidationError(`arguments to ${name}`, issues, { cause: result.error });
    }
    const related = relation?.(args) ?? [];
    if (related.length > 0) {
      throw new FileMappingValidationError(
        `arguments to ${name}`,
        related.map(([index, message]) => `${names[index]} (argument ${index + 1}): ${message}`),
      );
    }
    return target()(...args);
  };
  Object.defineProperty(call, 'name', { value: name });
  return call as F;
}

/** `count` bytes (or UTF-16 characters, `unit` 2) must fit in `buffer`. */
export function fits(buffer: unknown, count: number, unit: 1 | 2, index: number, bufferName: string): Array<[number, string]> {
  const bytes = (buffer as Uint8Array).byteLength;
  if (count * unit <= bytes) return [];
  const what =
    unit === 2
      ? `${count} characters is more than ${bufferName} holds (${bytes} bytes: ${Math.floor(bytes / 2)} characters)`
      : `${count} bytes is more than ${bufferName} holds (${bytes} bytes)`;
  return [[index, what]];
}
