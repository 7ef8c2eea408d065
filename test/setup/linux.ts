// Global setup of the Linux project: downloads the Linux builds of Node the native suite runs under, once, before its
// test files run in parallel workers (which then find them ready). Nothing off Linux.
import { provisionLinux } from '../../scripts/linux-runtime.mjs';

export default function setup(): void {
  provisionLinux();
}
