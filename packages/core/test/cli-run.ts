/**
 * The `outpools` command run in the test's own process (its entry from source, as the CLI tests
 * run it), in a temporary folder removed after the file's tests; shared by the core's CLI tests
 * and the drivers' `outpools status` tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { main, type CliIo } from '../src/cli/main.js';

/** What one run of the command printed, and its exit status. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temporary folder to write configuration files in and run the command from. */
export interface CliFolder {
  readonly dir: string;
  /** Run `outpools <argv>` with the folder as its working directory. */
  outpools(...argv: string[]): Promise<CliRun>;
  /** Write `text` to the file `name` in the folder; its path. */
  file(name: string, text: string): string;
}

/** A folder `<tmp>/<prefix>XXXXXX`, removed by an `afterAll` of the calling test file. */
export function cliFolder(prefix: string): CliFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    async outpools(...argv) {
      let stdout = '';
      let stderr = '';
      const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir };
      const code = await main(argv, io);
      return { code, stdout, stderr };
    },
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}
