// The bulk-transfer methods through the kernel's streams and files (see bulk-peer.mjs for the handshake and the
// command line); the receiver puts each stream back into messages and checks them:
//   socket  (c) node:net: a Unix socket on Linux, a named pipe on Windows; the receiver is the server
//   pipe    an anonymous pipe: the receiver spawns the sender and reads its stdout
//   ipc     (d) child_process IPC with serialization 'advanced': the receiver forks the sender
//   file    (e) a temporary file: the sender writes all of it, then the receiver reads it back
import { fork, spawn } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { NamedEvent } from '../../dist/index.js';
import { fillChunk, sum32, verify } from './bulk-data.mjs';
import { socketPath, tempFilePath } from './peer-os.mjs';

export function streamMethods({ name, count, size, capacity, pattern, expected, receiver, sender, signaled, self }) {
  /**
   * Up to `capacity` bytes of writes in flight (as much as a Channel's ring holds), each message from its own slot of
   * one pool (a stream may still be reading a buffer after write() returns). `write(buffer, callback)` starts one; the
   * callback frees its slot.
   */
  async function sendWindowed(write) {
    const slots = capacity / size;
    const pool = Buffer.allocUnsafeSlow(capacity);
    let inFlight = 0;
    let resume;
    let failure;
    for (let i = 0; i < count; i++) {
      while (inFlight >= slots) await new Promise((resolve) => (resume = resolve));
      if (failure) throw failure;
      const offset = (i % slots) * size;
      fillChunk(pattern, pool, offset, i, size);
      inFlight++;
      write(pool.subarray(offset, offset + size), (error) => {
        failure ??= error;
        inFlight--;
        resume?.();
      });
    }
    while (inFlight > 0) await new Promise((resolve) => (resume = resolve));
    if (failure) throw failure;
  }

  /**
   * Cuts a stream back into messages and checks each; calls onMessage(count so far). A message that arrived whole is
   * checked where it lies; one split between reads is put together first (one copy).
   */
  function messageAssembler(onMessage) {
    const partial = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    let index = 0;
    return (data) => {
      for (let at = 0; at < data.length;) {
        if (filled === 0 && data.length - at >= size) {
          verify(sum32(data, at, size), index, expected);
          at += size;
        } else {
          const n = Math.min(size - filled, data.length - at);
          data.copy(partial, filled, at, at + n);
          filled += n;
          at += n;
          if (filled < size) continue;
          verify(sum32(partial), index, expected);
          filled = 0;
        }
        onMessage(++index);
      }
    };
  }

  /** Resolves once `stream` has delivered every message. */
  const receiveAll = (stream) =>
    new Promise((resolve, reject) => {
      stream.on(
        'data',
        messageAssembler((n) => n === count && resolve()),
      );
      stream.once('error', reject);
    });

  const path = socketPath(name);
  const socket = {
    send: () =>
      sender(
        async () => {
          await signaled(NamedEvent.create(`${name}-listening`), 'the server to listen');
          const connection = net.connect(path);
          await new Promise((resolve, reject) => connection.once('connect', resolve).once('error', reject));
          return connection;
        },
        async (connection) => {
          await sendWindowed((buffer, callback) => connection.write(buffer, callback));
          await new Promise((resolve) => connection.end(resolve));
        },
      ),
    receive: () => {
      let received;
      return receiver(
        async () => {
          rmSync(path, { force: true });
          const server = net.createServer();
          const connected = new Promise((resolve) => server.once('connection', resolve));
          await new Promise((resolve, reject) => server.listen(path, resolve).once('error', reject));
          NamedEvent.create(`${name}-listening`).set();
          received = receiveAll(await connected);
          return server;
        },
        async (server) => {
          await received;
          server.close();
        },
      );
    },
  };

  /** The sender is a child whose stdout is the pipe: it writes nothing else there. */
  const pipe = {
    send: () =>
      sender(
        () => process.stdout,
        (stdout) => sendWindowed((buffer, callback) => stdout.write(buffer, callback)),
      ),
    receive: () => {
      let received;
      return receiver(
        () => {
          const child = spawn(process.execPath, [self, 'pipe', 'send', name, String(count), String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
          child.once('exit', (code) => code !== 0 && child.stdout.destroy(new Error(`the pipe's sender exited with ${code}`)));
          received = receiveAll(child.stdout);
          return child;
        },
        () => received,
      );
    },
  };

  /** The receiver forks the sender, which says 'ready'; the clock starts when the receiver answers 'go'. */
  const ipc = {
    send: () =>
      new Promise((resolve, reject) => {
        process.on('message', (message) => {
          if (message === 'go') {
            sendWindowed((buffer, callback) => process.send(buffer, callback)).catch(reject);
          } else if (message === 'end') {
            process.disconnect();
            resolve();
          }
        });
        process.send('ready');
      }),
    receive: () =>
      new Promise((resolve, reject) => {
        const child = fork(self, ['ipc', 'send', name, String(count), String(size)], { serialization: 'advanced' });
        let start;
        let index = 0;
        child.on('error', reject);
        child.on('exit', (code) => code !== 0 && reject(new Error(`the ipc sender exited with ${code}`)));
        child.on('message', (message) => {
          try {
            if (message === 'ready') {
              start = performance.now();
              child.send('go');
              return;
            }
            verify(sum32(message), index, expected);
            if (++index === count) {
              const seconds = (performance.now() - start) / 1000;
              child.send('end');
              child.once('exit', () => resolve({ seconds }));
            }
          } catch (error) {
            child.kill();
            reject(error);
          }
        });
      }),
  };

  const tempFile = tempFilePath(name);
  const file = {
    send: () =>
      sender(
        () => ({ fd: openSync(tempFile, 'w'), written: NamedEvent.create(`${name}-written`) }),
        ({ fd, written }) => {
          const message = Buffer.allocUnsafeSlow(size);
          for (let i = 0; i < count; i++) {
            fillChunk(pattern, message, 0, i, size);
            if (writeSync(fd, message) !== size) throw new Error(`short write of message ${i}`);
          }
          closeSync(fd);
          written.set();
        },
      ),
    receive: () =>
      receiver(
        () => NamedEvent.create(`${name}-written`),
        async (written) => {
          await signaled(written, 'the file to be written');
          const fd = openSync(tempFile, 'r');
          const message = Buffer.allocUnsafeSlow(size);
          for (let i = 0; i < count; i++) {
            if (readSync(fd, message, 0, size, null) !== size) throw new Error(`short read of message ${i}`);
            verify(sum32(message), i, expected);
          }
          closeSync(fd);
          rmSync(tempFile, { force: true });
        },
      ),
  };

  return { socket, pipe, ipc, file };
}
