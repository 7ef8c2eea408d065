/** The errors a channel end throws besides the package's own (ChannelDamagedError is the ring's: see ring.ts). */
import type { Role } from './ring.js';

/** The peer process ended without closing the channel. Every message it had sent in full was delivered first. */
export class ChannelPeerExitedError extends Error {
  /** The process id of the peer that ended. */
  readonly pid: number;
  /** The role it held: 'writer' (the reader is told) or 'reader' (the writer is told). */
  readonly role: Role;

  constructor(role: Role, pid: number, channel: string) {
    super(
      role === 'writer'
        ? `The process writing to ${channel} (pid ${pid}) ended without closing it: every message it had sent in full was received; one it was writing, if any, is lost`
        : `The process reading ${channel} (pid ${pid}) ended without closing it: the messages in the ring stay there for the next reader`,
    );
    this.pid = pid;
    this.role = role;
  }
}
Object.defineProperty(ChannelPeerExitedError.prototype, 'name', { value: 'ChannelPeerExitedError' });
