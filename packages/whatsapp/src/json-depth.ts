const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Cloud API payloads nest about eight levels; 64 leaves room for whatever
 * Meta adds without letting a body exhaust the stack of the code that walks
 * it (JSON.stringify, structured clone to the intake thread, zod).
 */
export const MAX_WEBHOOK_DEPTH = 64;

/**
 * True when the JSON text nests objects and arrays deeper than `limit`.
 * Counted in one pass over the bytes, without recursion and without
 * parsing, so that it is safe to run on any body before anything else.
 * Brackets inside strings do not count. Invalid JSON is left to the parser.
 */
export function nestsDeeperThan(body: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth -= 1;
  }
  return false;
}
