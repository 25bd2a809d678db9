import { createHash } from 'node:crypto';
import { AppError } from '@flowgento/core';
import { z } from 'zod';

/**
 * A shipped segment: the frames of consecutive commits, in log order, with
 * what a restore needs to replay them (see `PendingCommits` for commits
 * that share a time). `previousSha256` is the SHA-256 of
 * the previous segment's bytes (before sealing), so segments form a hash
 * chain: one missing, replaced or reordered breaks it.
 *
 * Bytes: u32 BE header length, the header as JSON, then per frame a u32 BE
 * page number and the page image (still encrypted with the database key).
 */
export const segmentHeaderSchema = z.object({
  format: z.literal(1),
  generation: z.string(),
  sequence: z.number().int().positive(),
  previousSha256: z.string().regex(/^[0-9a-f]{64}$/),
  pageSize: z.number().int().min(512).max(65536),
  /**
   * One per point a restore can stop at: its last frame (1-based, within
   * this segment), the database size it leaves, its time, and how many of
   * the log's commits it stands for (absent: one). Commits seen at the same
   * time are one point, carrying the last image of each page they wrote.
   */
  commits: z
    .array(
      z.object({
        endFrame: z.number().int().positive(),
        dbPages: z.number().int().positive(),
        at: z.number().int().nonnegative(),
        transactions: z.number().int().positive().optional(),
      }),
    )
    .min(1),
});
export type SegmentHeader = z.infer<typeof segmentHeaderSchema>;

export interface SegmentFrame {
  pageNumber: number;
  page: Buffer;
}

/** The hash a first segment names as its predecessor: the snapshot it follows. */
export const GENESIS_SHA256 = '0'.repeat(64);

export function encodeSegment(header: SegmentHeader, frames: SegmentFrame[]): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const parts: Buffer[] = [u32(json.length), json];
  for (const frame of frames) parts.push(u32(frame.pageNumber), frame.page);
  return Buffer.concat(parts);
}

export function decodeSegment(bytes: Buffer): {
  header: SegmentHeader;
  frames: SegmentFrame[];
} {
  const fail = () =>
    new AppError('PRECONDITION_FAILED', 'A shipped segment is malformed', {
      reason: 'backup_segment_malformed',
    });
  if (bytes.length < 4) throw fail();
  const length = bytes.readUInt32BE(0);
  let json: unknown;
  try {
    json = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8'));
  } catch {
    throw fail();
  }
  const parsed = segmentHeaderSchema.safeParse(json);
  if (!parsed.success) throw fail();
  const header = parsed.data;
  const frames: SegmentFrame[] = [];
  const step = 4 + header.pageSize;
  let at = 4 + length;
  for (; at + step <= bytes.length; at += step) {
    frames.push({
      pageNumber: bytes.readUInt32BE(at),
      page: bytes.subarray(at + 4, at + step),
    });
  }
  if (at !== bytes.length || header.commits.at(-1)?.endFrame !== frames.length)
    throw fail();
  return { header, frames };
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}
