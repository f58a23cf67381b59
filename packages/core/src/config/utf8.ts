/**
 * Decoding a configuration file's bytes: TOML is UTF-8, and a byte sequence that is not valid
 * UTF-8 is refused with the file, line and column of its first bad byte (decoding it anyway
 * would turn it into U+FFFD and garble a host name or a password without a word).
 * @module
 */
import type { ConfigIssue } from '../errors.js';

/** The result of {@link decodeConfigBytes}: the text (without a byte order mark), or the issue. */
export type DecodeResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly issue: ConfigIssue };

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when it is invalid (RFC 3629 table). */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** Offset of the first byte that does not start a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/**
 * Decode a configuration file's bytes as UTF-8. Invalid UTF-8 is an issue whose path is
 * `<source>:<line>:<column>` (1-based; the column counts characters, like TOML syntax errors).
 * @example
 * ```ts
 * const decoded = decodeConfigBytes(await readFile('pools.toml'), 'pools.toml');
 * if (!decoded.ok) console.error(`${decoded.issue.path}: ${decoded.issue.message}`);
 * // pools.toml:3:11: invalid UTF-8 (byte 0xff): a configuration file must be UTF-8
 * ```
 */
export function decodeConfigBytes(bytes: Uint8Array, source = '<input>'): DecodeResult {
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return { ok: true, text: new TextDecoder('utf-8').decode(bytes) };
  const lineStart = bad === 0 ? 0 : bytes.lastIndexOf(0x0a, bad - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  const column = [...new TextDecoder('utf-8').decode(bytes.subarray(lineStart, bad))].length + 1;
  const hex = bytes[bad]!.toString(16).padStart(2, '0');
  return {
    ok: false,
    issue: {
      path: `${source}:${line}:${column}`,
      message: `invalid UTF-8 (byte 0x${hex}): a configuration file must be UTF-8`,
    },
  };
}
