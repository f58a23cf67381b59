import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, DriverRegistry } from '@outpools/core';
import { defineDriver, TlsSchema, Type } from '@outpools/core/driver';
import { tlsIssues } from '../src/tls/rules.js';
import { noopMethods } from './cli-fake-drivers.mjs';

const P = 'outgoing_pools.http.api.connection.tls';
const dir = mkdtempSync(join(tmpdir(), 'outpools-tls-rules-'));
const pem = join(dir, 'file.pem');
writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n');
const folder = join(dir, 'folder');
mkdirSync(folder);

const paths = (issues: readonly { path: string }[]) => issues.map((i) => i.path);

describe('tlsIssues', () => {
  it('accepts a section with only defaults and readable files', () => {
    expect(tlsIssues({ verify_mode: 'peer', cacertfile: pem, certfile: pem, keyfile: pem }, P)).toEqual({
      errors: [],
      warnings: [],
    });
  });

  it('reports certfile without keyfile at the keyfile path', () => {
    const { errors } = tlsIssues({ verify_mode: 'peer', certfile: pem }, P);
    expect(errors).toEqual([{ path: `${P}.keyfile`, message: 'keyfile is required when certfile is set' }]);
  });

  it('accepts keyfile without certfile with a warning that the key is unused', () => {
    const { errors, warnings } = tlsIssues({ verify_mode: 'peer', keyfile: pem }, P);
    expect(errors).toEqual([]);
    expect(paths(warnings)).toEqual([`${P}.keyfile`]);
    expect(warnings[0]?.message).toMatch(/not used without a certfile/);
  });

  it('checks every crl_files entry like a PEM file, at its index', () => {
    const missing = join(dir, 'gone.crl');
    const { errors } = tlsIssues({ verify_mode: 'peer', crl_files: [pem, missing] }, P);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe(`${P}.crl_files[1]`);
    expect(errors[0]?.message).toContain('not found');
  });

  it('warns that crl_files and disconnect_on_failure = false do nothing with verify_mode = "none"', () => {
    const { errors, warnings } = tlsIssues({ verify_mode: 'none', crl_files: [pem], disconnect_on_failure: false }, P);
    expect(errors).toEqual([]);
    expect(paths(warnings)).toEqual([`${P}.crl_files`, `${P}.disconnect_on_failure`]);
  });

  it('reports a missing file at its key, naming the file and "not found"', () => {
    const missing = join(dir, 'nope.pem');
    const { errors } = tlsIssues({ verify_mode: 'peer', cacertfile: missing }, P);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe(`${P}.cacertfile`);
    expect(errors[0]?.message).toContain(missing);
    expect(errors[0]?.message).toContain('not found');
  });

  it('reports a directory given as a file as "not a file"', () => {
    const { errors } = tlsIssues({ verify_mode: 'peer', certfile: folder, keyfile: pem }, P);
    expect(paths(errors)).toEqual([`${P}.certfile`]);
    expect(errors[0]?.message).toContain('not a file');
  });

  it('refuses versions with a gap, since Node has only min and max versions', () => {
    const { errors } = tlsIssues({ verify_mode: 'peer', versions: ['tlsv1.1', 'tlsv1.3'] }, P);
    expect(paths(errors)).toEqual([`${P}.versions`]);
    expect(errors[0]?.message).toMatch(/contiguous/);
  });

  it('accepts contiguous versions in any order', () => {
    expect(tlsIssues({ verify_mode: 'peer', versions: ['tlsv1.3', 'tlsv1.2'] }, P).errors).toEqual([]);
  });

  it('warns that tlsv1 and tlsv1.1 are refused by the default security level', () => {
    const { errors, warnings } = tlsIssues({ verify_mode: 'peer', versions: ['tlsv1', 'tlsv1.1', 'tlsv1.2'] }, P);
    expect(errors).toEqual([]);
    expect(paths(warnings)).toEqual([`${P}.versions`]);
    expect(warnings[0]?.message).toContain('"tlsv1" and "tlsv1.1"');
  });

  it('warns that cacertfile and the SNI host have no effect with verify_mode none', () => {
    const { errors, warnings } = tlsIssues(
      {
        verify_mode: 'none',
        cacertfile: pem,
        server_name_indication: { enabled: true, host: 'x', protocol: 'default' },
      },
      P,
    );
    expect(errors).toEqual([]);
    expect(paths(warnings)).toEqual([`${P}.cacertfile`, `${P}.server_name_indication.host`]);
  });

  it('never puts the password in a message', () => {
    const password = 'hunter2-secret';
    const { errors, warnings } = tlsIssues(
      {
        verify_mode: 'none',
        password,
        certfile: join(dir, 'missing.pem'),
        cacertfile: pem,
        versions: ['tlsv1', 'tlsv1.2'],
      },
      P,
    );
    expect(errors.length + warnings.length).toBeGreaterThan(2);
    expect(JSON.stringify([errors, warnings])).not.toContain(password);
  });

  it('is applied by checkConfig to a pool section, with errors and warnings at their TOML paths', () => {
    const webDriver = defineDriver({
      type: 'web',
      connectionSchema: Type.Object(
        { host: Type.String({ default: 'localhost' }), tls: Type.Optional(TlsSchema) },
        { additionalProperties: false },
      ),
      ...noopMethods,
    });
    const toml = `[outgoing_pools.web.api.connection.tls]\ncertfile = ${JSON.stringify(pem)}\nversions = ["tlsv1.1", "tlsv1.2"]\n`;
    const result = checkConfig(toml, { registry: new DriverRegistry([webDriver]) });
    expect(result.ok).toBe(false);
    expect(paths(result.errors)).toEqual(['outgoing_pools.web.api.connection.tls.keyfile']);
    expect(paths(result.warnings)).toEqual(['outgoing_pools.web.api.connection.tls.versions']);
  });
});
