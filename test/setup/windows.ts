// Global setup of the Windows project: provisions the Windows runtime (Wine and the Windows builds of node.exe on
// Linux; the running node.exe on Windows) once, before its test files run in parallel workers (which then find it
// ready). On Linux without Wine this fails the whole run with the command that installs it: the Windows suite is
// never skipped silently.
import { provision } from '../../scripts/windows-runtime.mjs';

export default function setup(): void {
  provision();
}
