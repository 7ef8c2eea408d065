/**
 * The holder `create` leaves behind: a process of its own that keeps a section open after the command has returned,
 * so that a shell user's `create` then `write`, `read` and `info`, each a separate command, find the name, as they
 * would find a file. The holder is the command itself, started again (detached, no terminal, stdio ignored) with
 * the hidden command `__hold`; `filemapping close NAME` ends it.
 *
 * Everything between the three goes through named objects of the package, which work the same on Windows and Linux:
 * - `NAME.filemapping-ready-PID`: set by the holder once it holds the section, for the `create` of that PID (which
 *   waits on it, never sleeps);
 * - `NAME.filemapping-close`: the holder waits on this event, `close` sets it (and a `close` that finds no such event
 *   knows that no holder has the name);
 * - `NAME.filemapping-holder`: a mutex the holder locks and never unlocks, so that it is let go (abandoned) only
 *   when the holder's process ends: `close` locks it to know that the holder is gone, not merely told to go.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { FileMapping } from '../section/file-mapping.js';
import { NamedEvent } from '../sync/named-event.js';
import { NamedMutex } from '../sync/named-mutex.js';

const closeEvent = (name: string) => `${name}.filemapping-close`;
const holderMutex = (name: string) => `${name}.filemapping-holder`;

/**
 * Starts the holder of `name` (which this process has open, so that it cannot go in the meantime) and resolves to
 * its process id once it holds the section. `signal`: the --signal event, which the holder keeps open and set.
 */
export async function startHolder(name: string, signal: string | undefined): Promise<number> {
  // The script that is running: the package's bin, or a bundle of it. Looked up now, never by a path of the package,
  // so that a bundled command starts itself again.
  const script = process.argv[1];
  if (script === undefined) throw new Error('cannot start a holder: this process runs no script to start again');
  const readyName = `${name}.filemapping-ready-${process.pid}`;
  using ready = NamedEvent.create(readyName, { manualReset: true });
  const args = [...process.execArgv, resolve(script), '__hold', name, readyName, ...(signal === undefined ? [] : ['--signal', signal])];
  // A folder that nothing deletes for cwd: on Windows a process's cwd cannot be removed while it runs.
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore', windowsHide: true, cwd: tmpdir() });
  const abort = new AbortController();
  const ended = new Promise<string>((resolveEnded) => {
    child.once('error', (error) => resolveEnded(error.message));
    child.once('exit', (code, signalName) => resolveEnded(signalName ?? `exit code ${code}`));
  });
  let outcome: string | undefined;
  try {
    outcome = await Promise.race([ready.waitAsync({ signal: abort.signal }).then(() => undefined), ended]);
  } finally {
    abort.abort();
  }
  if (outcome !== undefined) throw new Error(`the process that was to hold ${name} ended (${outcome}) before it held it`);
  child.unref();
  return child.pid as number;
}

/**
 * The hidden command `__hold NAME READY [--signal EVENT]`: holds the section until `close`, or until a signal (`kill
 * PID` with the process id `create` printed; the holder has no terminal, so no Ctrl+C reaches it).
 */
export async function hold(name: string, ready: string, signal: string | undefined): Promise<void> {
  // Not `using`: closing it would unlock it, and `close` must learn that this process has ended, not that it is ending.
  const holder = NamedMutex.create(holderMutex(name));
  if (holder.lock(0) === 'timeout') throw new Error(`another process holds ${name} for filemapping close already`);
  using _mapping = FileMapping.open(name, { access: 'read' });
  using stop = NamedEvent.create(closeEvent(name), { manualReset: true });
  // Listening before the handshake: a `kill PID` as soon as `create` has returned must release the section.
  const interrupted = new AbortController();
  const signalled = untilSignal(interrupted.signal);
  let by: 'close' | 'signal';
  try {
    // Open until the end: on Windows an event nobody else has open would go, and its state with it, on close.
    using announced = signal === undefined ? undefined : NamedEvent.create(signal, { manualReset: true });
    announced?.set();
    {
      using handshake = NamedEvent.open(ready);
      handshake.set();
    }
    by = await Promise.race([stop.waitAsync({ signal: interrupted.signal }).then(() => 'close' as const), signalled]);
  } finally {
    interrupted.abort();
  }
  // Ended by a signal, not by `close`: nobody waits for the mutex, which goes with this last user (on Linux a
  // segment nobody locks would stay in /dev/shm until a later sweep).
  if (by !== 'close') holder.close();
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Resolves on SIGINT, SIGTERM, SIGHUP (the terminal went away; on Windows, the console window was closed) or
 * SIGBREAK, or once `until` aborts. The listeners stay on: a signal while the section is being released (a second
 * Ctrl+C) is ignored instead of ending the process before it has released the name.
 */
export function untilSignal(until?: AbortSignal): Promise<'signal'> {
  return new Promise((resolveSignal) => {
    // A timer keeps the event loop alive until then.
    const alive = setInterval(() => {}, 1 << 30);
    const done = () => {
      clearInterval(alive);
      resolveSignal('signal');
    };
    for (const name of SIGNALS) process.on(name, done);
    until?.addEventListener('abort', done, { once: true });
  });
}

/**
 * `close NAME`: ends the holder `create` started for the name and resolves once its process has ended. Throws
 * (ENOENT) if no holder has the name. Returns whether the name is gone (another process may still have it open).
 */
export async function closeHolder(name: string): Promise<boolean> {
  let stop: NamedEvent;
  let holder: NamedMutex;
  try {
    stop = NamedEvent.open(closeEvent(name));
    holder = NamedMutex.open(holderMutex(name));
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    throw new Error(`nothing holds ${name} for filemapping close (no create left a holder for it, or it has ended): ${(error as Error).message}`, {
      cause: error,
    });
  }
  using _stop = stop;
  using _holder = holder;
  stop.set();
  // 'abandoned' (or 'acquired', should the holder's end unlock it): either way its process has gone.
  await holder.lockAsync();
  holder.unlock();
  try {
    using _still = FileMapping.open(name, { access: 'read' });
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return true;
    throw error;
  }
}
