// `outpools demo` lives in @outpools/demo: the core finds it at run time (it never imports it)
// and says how to get it when it is missing.
import { describe, expect, it } from 'vitest';
import { DEMO_PACKAGE, loadDemo, runDemoPackage } from '../src/cli/commands/demo.js';

describe('outpools demo in the core', () => {
  it('finds nothing for a package that is not installed', async () => {
    expect(await loadDemo(process.cwd(), '@outpools/no-such-demo')).toBeUndefined();
  });

  it('says in one line which package to install when the demo is missing', async () => {
    let out = '';
    let err = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), cwd: process.cwd() };
    expect(await runDemoPackage([], io, '@outpools/no-such-demo')).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(
      'outpools demo: the demo is in the @outpools/no-such-demo package, which is not installed here; ' +
        'install it next to @outpools/core (npm install @outpools/no-such-demo) and run `outpools demo` again\n',
    );
  });

  it('loads the installed demo package and its runDemo', async () => {
    const demo = await loadDemo(process.cwd(), DEMO_PACKAGE);
    expect(typeof demo?.runDemo).toBe('function');
  });
});
