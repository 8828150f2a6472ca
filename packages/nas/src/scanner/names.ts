/**
 * File names as the scan stores them. A POSIX name is any bytes but `/` and NUL; PostgreSQL text must be valid
 * UTF-8. A valid name is stored as it is. A name that is not valid UTF-8 is shown with each invalid byte as
 * `\xHH` and each backslash as `\x5c` (so two different invalid names never show the same), and its exact bytes
 * are kept beside it (`raw_path`), so nothing is lost.
 */

/** The length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (k: number) => i + k < bytes.length && ((bytes[i + k] as number) & 0xc0) === 0x80;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  const b1 = bytes[i + 1] as number;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // No overlong forms (E0 80..9F) and no UTF-16 surrogates (ED A0..BF).
    if ((b0 === 0xe0 && b1 < 0xa0) || (b0 === 0xed && b1 > 0x9f)) return 0;
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if ((b0 === 0xf0 && b1 < 0x90) || (b0 === 0xf4 && b1 > 0x8f)) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Whether `bytes` are valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes, i);
    if (n === 0) return false;
    i += n;
  }
  return true;
}

const hex = (b: number) => `\\x${b.toString(16).padStart(2, '0')}`;

/** The stored text of a name that is not valid UTF-8: invalid bytes as `\xHH`, backslashes as `\x5c`. */
export function escapeInvalidName(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes, i);
    if (n === 0) {
      text += hex(bytes[i] as number);
      i += 1;
    } else if (bytes[i] === 0x5c) {
      text += hex(0x5c);
      i += 1;
    } else {
      text += Buffer.from(bytes.subarray(i, i + n)).toString('utf8');
      i += n;
    }
  }
  return text;
}

/** Whether a valid name could be read as an escaped one (it holds `\xHH`): only such names can collide. */
export function looksEscaped(name: string): boolean {
  return /\\x[0-9a-f]{2}/.test(name);
}
