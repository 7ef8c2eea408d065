// Quick start in TypeScript, as a prototype is written: creates a named section, writes a message through one view,
// opens the section again by name and reads the message back through a read-only view. `using` closes each view and
// section at the end of the scope (in reverse order), even if something throws.
//
// Run (Windows or Linux, after `npm run build`), straight from the .ts file:
//   npx tsx examples/quick-start.ts [NAME]
//   node --loader ts-node/esm examples/quick-start.ts [NAME]     (type-checks it first)
// This package is "type": "module", so the file is an ES module, which ts-node runs through its loader hook: its own
// command (`npx ts-node FILE`, with or without --esm) fails to load it on Node 20 and 22.
import { FileMapping } from 'filemapping';

const name: string = process.argv[2] ?? `filemapping-quick-start-${process.pid}`;
const message = 'Hello from TypeScript';

using section = FileMapping.create({ name, size: 4096 });
using view = section.map();
view.writeString(message, 0);

using opened = FileMapping.open(name, { access: 'read' });
using reader = opened.map();
const read: string = reader.readString(0);
if (read !== message) throw new Error(`read "${read}" back, not "${message}"`);
console.log(`quick-start: wrote and read back "${read}" through section "${name}" (${section.size} bytes)`);
