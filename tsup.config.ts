import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'win32/index': 'src/win32/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // koffi carries a native binary per platform: it must stay a runtime dependency, never be bundled.
  external: ['koffi'],
});
