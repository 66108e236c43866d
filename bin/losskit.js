#!/usr/bin/env node
'use strict';
// The `losskit` command (npx losskit score …, npx losskit demo); the code is lib/cli/*.ts, compiled to dist/cli.
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main/.test(e.message)) {
    process.stderr.write('losskit: the compiled CLI (dist/cli/main.js) is missing; run `npm run build:ts` in the package\n');
    process.exit(1);
  }
  throw e;
}
process.exitCode = cli.main(process.argv.slice(2));
