// Moves a view: unmaps it, then maps the section again at an address of our choosing with map({ address })
// (MapViewOfFileEx on Windows, mmap with MAP_FIXED_NOREPLACE on Linux). The data does not move, it lives in the section; only where this process sees it changes.
//
// The address must be free and a multiple of the allocation granularity (64 KiB on Windows x64, the page size on
// Linux). To find one, map a second view of the same size anywhere (the system places views at such addresses), note
// its address and unmap it. It is looked for while the first view is still mapped, so it is sure to differ from the
// first address. Node's own threads (V8's, libuv's) may map memory at that range before the view is mapped there,
// so map({ address }) can fail (code 'EEXIST' on both OSes: a view never replaces what is mapped there; Windows'
// nativeCode is ERROR_INVALID_ADDRESS): then look for another address and try again, as below.
//
// Run (Windows or Linux, after `npm run build`):
//   node examples/move-view.mjs
import { FileMapping } from 'filemapping';

const SIZE = 1 << 20;
const text = 'this text stays put while the view moves';

/** A free address with the section's size free after it, where the system itself would put a view. */
function freeAddress(mapping) {
  const probe = mapping.map();
  const address = probe.address;
  probe.unmap();
  return address;
}

try {
  const mapping = FileMapping.create({ size: SIZE });
  try {
    const first = mapping.map();
    const before = first.address;
    let target;
    try {
      first.buffer.write(text, 0);
      console.log(`mapped at 0x${before.toString(16)} and wrote "${text}"`);
      target = freeAddress(mapping);
    } finally {
      first.unmap();
    }
    console.log(`unmapped; moving the view to 0x${target.toString(16)}`);

    let moved;
    for (let attempt = 1; !moved; attempt++) {
      try {
        moved = mapping.map({ address: target });
      } catch (error) {
        // Taken in between by another thread of this process: look again, a few times.
        if (attempt === 5 || error.code !== 'EEXIST') throw error;
        target = freeAddress(mapping);
        console.log(`taken meanwhile; moving the view to 0x${target.toString(16)} instead`);
      }
    }
    try {
      const seen = moved.buffer.toString('utf8', 0, text.length);
      console.log(`mapped again at 0x${moved.address.toString(16)} (asked for 0x${target.toString(16)}) and read "${seen}"`);
      if (moved.address !== target || target === before) throw new Error('the view did not move to the address asked for');
      if (seen !== text) throw new Error('the moved view does not show the section data');
      console.log('moved: new address, same data');
    } finally {
      moved.unmap();
    }
  } finally {
    mapping.close();
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
