// Maps the same section twice in one process: two views at different addresses over one memory, so a write through
// either is seen through the other at once (the same holds between processes, which is what shared memory is).
//
// Run (Windows or Linux, after `npm run build`):
//   node examples/map-twice.mjs
import { FileMapping } from 'filemapping';

try {
  // No name: an anonymous section, private to this process (and to children that inherit its handle).
  const mapping = FileMapping.create({ size: 65536 });
  try {
    const a = mapping.map();
    const b = mapping.map();
    try {
      console.log(`view A at 0x${a.address.toString(16)}, view B at 0x${b.address.toString(16)}: ${a.length} bytes each`);
      if (a.address === b.address) throw new Error('the two views have the same address');

      a.buffer.write('written through view A', 100);
      const seenByB = b.buffer.toString('utf8', 100, 122);
      console.log(`view B reads "${seenByB}"`);

      b.buffer.writeUInt32LE(0xdeadbeef, 60000);
      const seenByA = a.buffer.readUInt32LE(60000);
      console.log(`view A reads 0x${seenByA.toString(16)}, written through view B`);

      if (seenByB !== 'written through view A' || seenByA !== 0xdeadbeef) throw new Error('the views do not share memory');
      console.log('different addresses, one memory');
    } finally {
      a.unmap();
      b.unmap();
    }
  } finally {
    mapping.close();
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
