/**
 * What util.inspect() and console.log show of the package's objects: the class's name and the fields a reader wants
 * (a section's size, a view's length), instead of whatever own properties the object happens to have.
 */

/** Node's util.inspect.custom: the same symbol, without loading node:util. */
const CUSTOM = Symbol.for('nodejs.util.inspect.custom');

type Inspect = (value: unknown, options: object) => string;

/**
 * Makes util.inspect() show instances of `type` as `Name { ...fields(instance) }`. Defined on the prototype rather than
 * declared as a member, so that the published declarations name no type of node:util.
 */
export function showAs<T extends object>(type: { prototype: T; name: string }, fields: (instance: T) => Record<string, unknown>): void {
  Object.defineProperty(type.prototype, CUSTOM, {
    value(this: T, depth: number, options: { depth?: number | null }, inspect: Inspect): string {
      if (depth < 0) return `[${type.name}]`;
      const shown = Object.fromEntries(Object.entries(fields(this)).filter(([, value]) => value !== undefined));
      return `${type.name} ${inspect(shown, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
    },
    configurable: true,
    writable: true,
  });
}
