#!/usr/bin/env node
// The convkit command line (ts/cli, bundled as dist/cli.js): `convkit train --help`.
const cli = await import('../dist/cli.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.error('convkit: dist/cli.js is missing; in a source checkout run `npm run build` first');
  process.exit(1);
});

process.exitCode = await cli.main(process.argv.slice(2));
