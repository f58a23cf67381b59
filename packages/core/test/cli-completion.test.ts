// `outpools completion bash|zsh`: the scripts are sourced by the real shells and asked what
// they complete (bash through its completion function with COMP_WORDS, zsh through compsys).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'outpools-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'pools.toml'), '');
writeFileSync(join(dir, 'notes.txt'), '');
mkdirSync(join(dir, 'conf'));

async function script(shell: string): Promise<string> {
  let out = '';
  const code = await main(['completion', shell], { stdout: (t) => void (out += t), stderr: () => undefined, cwd: dir });
  expect(code).toBe(0);
  const path = join(dir, `outpools.${shell}`);
  writeFileSync(path, out);
  return path;
}

/** What bash's `_outpools` puts in COMPREPLY for the words typed so far (the last one being completed). */
function bashComplete(path: string, words: readonly string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const program = `source '${path}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _outpools; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '--noprofile', '-c', program], { cwd: dir, encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '')
    .sort();
}

describe('outpools completion bash', () => {
  it('completes commands, options per command, .toml files and the shells', async () => {
    const path = await script('bash');
    expect(bashComplete(path, ['outpools', ''])).toEqual(
      ['--help', '--version', 'bench', 'check', 'completion', 'demo', 'schema', 'status'].sort(),
    );
    expect(bashComplete(path, ['outpools', 'st'])).toEqual(['status']);
    expect(bashComplete(path, ['outpools', 'status', '--w'])).toEqual(['--wait-ms']);
    expect(bashComplete(path, ['outpools', 'check', '--h'])).toEqual(['--help', '--host-types', '--hosts']);
    expect(bashComplete(path, ['outpools', 'check', ''])).toEqual(['conf', 'pools.toml']);
    expect(bashComplete(path, ['outpools', 'check', '--hosts', ''])).toEqual([]);
    expect(bashComplete(path, ['outpools', 'check', '--plugin', 'no'])).toEqual(['notes.txt']);
    expect(bashComplete(path, ['outpools', 'completion', ''])).toEqual(['bash', 'zsh']);
    expect(bashComplete(path, ['outpools', 'schema', '--'])).toEqual(['--help', '--plugin']);
    const registered = execFileSync('bash', ['--norc', '-c', `source '${path}'; complete -p outpools`], {
      encoding: 'utf8',
    });
    expect(registered.trim()).toBe('complete -o filenames -F _outpools outpools');
  });

  it('refuses an unknown shell with a usage error', async () => {
    let err = '';
    const code = await main(['completion', 'fish'], {
      stdout: () => undefined,
      stderr: (t) => void (err += t),
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(err).toMatch(/^outpools completion: unknown shell "fish": bash or zsh\n/);
  });
});

describe('outpools completion zsh', () => {
  it('is a compsys function that registers itself for outpools and lists every command', async () => {
    const path = await script('zsh');
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('#compdef outpools\n')).toBe(true);
    for (const name of ['check', 'status', 'bench', 'schema', 'completion']) expect(text).toContain(`    '${name}:`);
    expect(text).toContain(`'1:configuration file:_files -g "*.toml"'`);
    // zsh parses it, and sourcing it registers _outpools for outpools (compinit's compdef is
    // replaced by a recorder: a real compinit scans every completion function, ~30 s here).
    execFileSync('zsh', ['-n', path]);
    const zsh = `compdef() { print -r -- "compdef $*" }; source '${path}'; whence -w _outpools`;
    expect(execFileSync('zsh', ['-f', '-c', zsh], { cwd: dir, encoding: 'utf8' }).trim().split('\n')).toEqual([
      'compdef _outpools outpools',
      '_outpools: function',
    ]);
  });
});
