// Process 2 of the Win32 documentation's "Creating Named Shared Memory" sample, with the idiomatic API: waits until
// process 1 has written its message, opens the section by name with read access only, maps a read-only view, and,
// holding the named mutex NAME-lock that process 1 writes under, prints the message (the C sample shows it in a
// MessageBox); then tells process 1 it may close.
//
// withLock() locks, runs the function and always unlocks, even when the function throws. It tells the function
// whether the mutex was abandoned: a holder ended (exited, was killed, crashed) without unlocking, so the data may
// be half-written. Here that means process 1 died while writing, and the message is not trusted.
//
// A read-only view's Buffer must only be read: writing into it is a page fault that ends the process.
//
// Run (Windows or Linux, after `npm run build`), in two consoles or both at once:
//   node examples/process1.mjs [NAME]      NAME defaults to Local\MyFileMapping
//   node examples/process2.mjs [NAME]
// or `npm run demo`, which starts both (`npm run demo -- --wine`: in Windows Node under Wine, on Linux).
import { FileMapping, NamedMutex } from 'filemapping';
import { HANDOFF_TIMEOUT_MS, namedEvent } from './named-event.mjs';

const name = process.argv[2] ?? 'Local\\MyFileMapping';

let written;
let read;
let lock;
try {
  written = namedEvent(`${name}-written`);
  read = namedEvent(`${name}-read`);
  lock = NamedMutex.create(`${name}-lock`);
  written.wait('process 1 to write the message (start examples/process1.mjs with the same name)');
  const mapping = FileMapping.open(name, { access: 'read' });
  try {
    const view = mapping.map();
    try {
      console.log(`process 2: opened section "${name}" for ${view.access} access (a ${view.length}-byte view)`);
      // A lock that times out makes withLock() throw a LockTimeoutError, which the catch below reports.
      const text = lock.withLock(({ abandoned }) => {
        if (abandoned) throw new Error(`mutex "${lock.name}" was abandoned: process 1 ended while writing, the message may be half-written`);
        console.log(`process 2: locked mutex "${lock.name}"`);
        // On Windows the view of an opened section is the section rounded up to the page size: read up to the NUL.
        return view.buffer.toString('utf16le', 0, terminator(view.buffer));
      }, HANDOFF_TIMEOUT_MS);
      console.log(`process 2: read "${text}", and unlocked`);
    } finally {
      view.unmap();
    }
  } finally {
    mapping.close();
  }
  read.set();
} catch (error) {
  console.error(`process 2: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  lock?.close();
  written?.close();
  read?.close();
}

/** The byte offset of the first UTF-16 NUL (two zero bytes at an even offset), or the buffer's length. */
function terminator(buffer) {
  for (let i = 0; i + 1 < buffer.length; i += 2) {
    if (buffer[i] === 0 && buffer[i + 1] === 0) return i;
  }
  return buffer.length - (buffer.length % 2);
}
