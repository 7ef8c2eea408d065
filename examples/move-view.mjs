// Moves a view: unmaps it, then maps the section again at an address of our choosing with map({ address })
// (MapViewOfFileEx on Windows, mmap with MAP_FIXED_NOREPLACE on Linux). The data does not move, it lives in the section; only where this process sees it changes.
//
// The address must be free and a multiple of the allocation granularity (64 KiB on Windows x64, the page size on
// Linux). To find one, map a second view of the same size anywhere (the system places views at such addresses), note
// its address and unmap it. It is looked for while the first view is still mapped, so it is sure to differ from the
// first address. Nothing stops another thread of the process (V8's, libuv's, a worker's) from mapping memory at that
// range before the view is mapped there; map({ address }) then fails with code 'EEXIST' on both OSes (a view never
// replaces what is mapped there; Windows' nativeCode is ERROR_INVALID_ADDRESS). mapAt() below picks a range again
// and tries there, up to a bound: docs/sections-and-views.md gives the same function, and the tests use it.
//
// Run (Windows or Linux, after `npm run build`):
//   node examples/move-view.mjs
import { FileMapping, isSystemCallError } from 'filemapping';

const SIZE = 1 << 20;
const text = 'this text stays put while the view moves';

/**
 * Maps the whole of `mapping` at `address`; if another thread took that range meanwhile, picks a range again (maps
 * anywhere, notes the address, unmaps) and tries there, up to `attempts` tries in all. Returns the view and the
 * number of tries it took.
 */
function mapAt(mapping, address, attempts = 20) {
  for (let attempt = 1; ; attempt++) {
    try {
      return { view: mapping.map({ address }), attempts: attempt };
    } catch (error) {
      if (attempt >= attempts || !isSystemCallError(error) || error.code !== 'EEXIST') throw error;
      const probe = mapping.map();
      address = probe.address;
      probe.unmap();
    }
  }
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
      // A free range where the system itself would put a view of this size, found while the first view holds its own.
      const probe = mapping.map();
      target = probe.address;
      probe.unmap();
    } finally {
      first.unmap();
    }
    console.log(`unmapped; moving the view to 0x${target.toString(16)}`);

    const { view: moved, attempts } = mapAt(mapping, target);
    try {
      const seen = moved.buffer.toString('utf8', 0, text.length);
      const tries = `${attempts} ${attempts === 1 ? 'try' : 'tries'}`;
      console.log(`mapped again at 0x${moved.address.toString(16)} (first asked for 0x${target.toString(16)}; ${tries}) and read "${seen}"`);
      if (seen !== text) throw new Error('the moved view does not show the section data');
      // After a retry, the range picked again may be the one the first view left.
      console.log(moved.address === before ? 'mapped again where it was, same data' : 'moved: new address, same data');
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
