/**
 * Section names on Linux: what a name given to the package becomes for shm_open.
 *
 * A bare name is exactly what CPython's multiprocessing.shared_memory and Boost.Interprocess pass to shm_open:
 * "/" + name, so those programs and this package open the same object (/dev/shm/NAME). `Local\` and `Global\` (and
 * `Session\N\`) names are accepted so that Windows code runs unchanged: Linux has one namespace for shared memory (per
 * IPC and mount namespace), so the prefix is dropped, and `Local\x`, `Global\x` and `x` are one object.
 */
import { FileMappingValidationError } from '../errors.js';
import { NAME_MAX } from './constants.js';

const NAMESPACE = /^(?:Global|Local|Session\\\d+)\\/u;

/** The shm_open name of `name`, or a FileMappingValidationError saying which rule of Linux's it breaks. */
export function shmName(name: string, context: string): string {
  const bare = name.replace(NAMESPACE, '');
  const problems: string[] = [];
  if (bare.includes('/')) problems.push(`name: "${name}" has a "/", which Linux does not allow in the name of a shared memory object`);
  if (bare === '.' || bare === '..') problems.push(`name: "${name}" is not a name Linux allows for a shared memory object`);
  const bytes = Buffer.byteLength(bare, 'utf8') + 1;
  if (bytes > NAME_MAX) {
    problems.push(`name: "${name}" is ${bytes} bytes as a shared memory object's name ("/" and the UTF-8 name); Linux allows at most ${NAME_MAX}`);
  }
  if (problems.length > 0) throw new FileMappingValidationError(context, problems);
  return `/${bare}`;
}
