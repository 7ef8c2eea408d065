// Provisions the Windows runtime once, before the test files run in parallel workers (which then find it ready).
// On Linux without Wine this fails the whole run with the command that installs it: the Windows suite is never
// skipped silently.
import { provision } from '../scripts/windows-runtime.mjs';

export default function setup(): void {
  provision();
}
