#!/usr/bin/env node
// The `filemapping` command (see src/cli.ts).
require('../dist/cli.cjs')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
