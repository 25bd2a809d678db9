/**
 * The SQLite write-ahead log, as written by SQLCipher: a 32-byte header,
 * then frames of a 24-byte header and one page image. Page images are
 * encrypted with the database key; headers and checksums are not, and the
 * checksums cover the encrypted bytes. That is what lets the shipper copy
 * frames it cannot read, and lets a restore lay them onto a copy of the file.
 *
 * https://www.sqlite.org/fileformat2.html#walformat
 */
export const WAL_HEADER_BYTES = 32;
export const FRAME_HEADER_BYTES = 24;
const MAGIC_LITTLE = 0x377f0682;
const MAGIC_BIG = 0x377f0683;

export interface WalHeader {
  pageSize: number;
  checkpointSeq: number;
  salt1: number;
  salt2: number;
  /** Checksums read in big-endian words (magic's low bit set) or little-endian. */
  bigEndian: boolean;
  /** The running checksum the first frame continues from. */
  checksum: [number, number];
}

/** The header, or undefined when the bytes are not a complete valid one. */
export function parseWalHeader(bytes: Buffer): WalHeader | undefined {
  if (bytes.length < WAL_HEADER_BYTES) return undefined;
  const magic = bytes.readUInt32BE(0);
  if (magic !== MAGIC_LITTLE && magic !== MAGIC_BIG) return undefined;
  const bigEndian = magic === MAGIC_BIG;
  const checksum = walChecksum(bytes.subarray(0, 24), bigEndian, [0, 0]);
  if (checksum[0] !== bytes.readUInt32BE(24) || checksum[1] !== bytes.readUInt32BE(28))
    return undefined;
  const pageSize = bytes.readUInt32BE(8);
  return {
    pageSize: pageSize === 1 ? 65536 : pageSize,
    checkpointSeq: bytes.readUInt32BE(12),
    salt1: bytes.readUInt32BE(16),
    salt2: bytes.readUInt32BE(20),
    bigEndian,
    checksum,
  };
}

/** SQLite's WAL checksum: two running sums over pairs of 32-bit words. */
export function walChecksum(
  bytes: Buffer,
  bigEndian: boolean,
  start: readonly [number, number],
): [number, number] {
  // Page images sit at 4-byte offsets in what the tail reads: summing them
  // through a word view walks the log several times faster than reading
  // each word with readUInt32, which kept the shipper's thread busy.
  if (bytes.byteOffset % 4 === 0) return wordChecksum(bytes, bigEndian, start);
  let [s1, s2] = start;
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    const a = bigEndian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i);
    const b = bigEndian ? bytes.readUInt32BE(i + 4) : bytes.readUInt32LE(i + 4);
    s1 = (s1 + a + s2) >>> 0;
    s2 = (s2 + b + s1) >>> 0;
  }
  return [s1, s2];
}

const HOST_LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function wordChecksum(
  bytes: Buffer,
  bigEndian: boolean,
  start: readonly [number, number],
): [number, number] {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, (bytes.length >>> 3) * 2);
  const swap = bigEndian === HOST_LITTLE;
  let [s1, s2] = start;
  for (let i = 0; i < words.length; i += 2) {
    let a = words[i]!;
    let b = words[i + 1]!;
    if (swap) {
      a = byteSwapped(a);
      b = byteSwapped(b);
    }
    s1 = (s1 + a + s2) >>> 0;
    s2 = (s2 + b + s1) >>> 0;
  }
  return [s1, s2];
}

function byteSwapped(word: number): number {
  return (
    (((word & 0xff) << 24) |
      ((word & 0xff00) << 8) |
      ((word >>> 8) & 0xff00) |
      (word >>> 24)) >>>
    0
  );
}

/** One valid frame: which page, its image, and the database size if it commits. */
export interface WalFrame {
  pageNumber: number;
  /** Pages in the database after this commit; 0 when the frame is not a commit. */
  commitPages: number;
  page: Buffer;
}

/**
 * Reads the valid frames of `bytes` (which start at a frame boundary),
 * continuing the checksum chain from `checksum`, and stops at the first
 * frame that is incomplete, from an older log (salts), or fails the chain:
 * a concurrent writer may be half-way through it. Returns only the frames
 * up to the last commit, since frames after it may still be rolled back.
 */
export function readCommittedFrames(
  bytes: Buffer,
  header: WalHeader,
  checksum: readonly [number, number],
): { frames: WalFrame[]; checksum: [number, number]; bytesRead: number } {
  const frameBytes = FRAME_HEADER_BYTES + header.pageSize;
  const frames: WalFrame[] = [];
  let running: [number, number] = [checksum[0], checksum[1]];
  let committed = { count: 0, checksum: running, bytesRead: 0 };
  for (let at = 0; at + frameBytes <= bytes.length; at += frameBytes) {
    const frame = bytes.subarray(at, at + frameBytes);
    if (frame.readUInt32BE(8) !== header.salt1 || frame.readUInt32BE(12) !== header.salt2)
      break;
    const page = frame.subarray(FRAME_HEADER_BYTES);
    const next = walChecksum(
      page,
      header.bigEndian,
      walChecksum(frame.subarray(0, 8), header.bigEndian, running),
    );
    if (next[0] !== frame.readUInt32BE(16) || next[1] !== frame.readUInt32BE(20)) break;
    running = next;
    const commitPages = frame.readUInt32BE(4);
    frames.push({ pageNumber: frame.readUInt32BE(0), commitPages, page });
    if (commitPages !== 0) {
      committed = { count: frames.length, checksum: running, bytesRead: at + frameBytes };
    }
  }
  return {
    frames: frames.slice(0, committed.count),
    checksum: committed.checksum,
    bytesRead: committed.bytesRead,
  };
}
