#!/usr/bin/env node
// The `outpools` command. The CLI itself is compiled to dist/ by `pnpm run build`.

// `outpools check file | head`: a closed pipe ends the output quietly instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
import('../dist/cli.js')
  .then((cli) => cli.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
      console.error('outpools: the CLI is not built yet; run `pnpm run build` first');
    } else {
      console.error(`outpools: ${error?.message ? error.message : error}`);
    }
    process.exitCode = 2;
  });
