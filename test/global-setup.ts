// Provisions the runtimes once, before the test files run in parallel workers (which then find them ready): the
// Windows one (Wine, Windows node.exe) and the Linux builds of Node. On Linux without Wine this fails the whole run
// with the command that installs it: the Windows suite is never skipped silently.
import { provisionLinux } from '../scripts/linux-runtime.mjs';
import { provision } from '../scripts/windows-runtime.mjs';

export default function setup(): void {
  provision();
  provisionLinux();
}
