import { crc32 } from 'node:zlib';
import type { Readable, Writable } from 'node:stream';

/**
 * A streaming zip writer: entries are stored (not compressed: the media is
 * already compressed, and JSON is small beside it), each written as it is
 * read, with its sizes and CRC in a data descriptor after the data, so that
 * memory stays constant whatever the size of the archive
 * (PKWARE APPNOTE 6.3.10, sections 4.3.7 to 4.3.16).
 *
 * Limits: no ZIP64, so an archive stops at 4 GiB and 65,535 entries; the
 * writer refuses to go past either rather than write a broken file.
 */
export class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];

  constructor(private readonly out: Writable) {}

  get bytesWritten(): number {
    return this.offset;
  }

  /** Adds a file from a buffer or a stream, in full, before the next entry. */
  async add(
    name: string,
    body: Buffer | string | Readable,
    modifiedAt: number,
  ): Promise<void> {
    if (this.entries.length >= 0xffff) throw new Error('Too many entries for a zip');
    const nameBytes = Buffer.from(name, 'utf8');
    const { time, date } = dosTime(modifiedAt);
    const headerOffset = this.offset;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0808, 6); // data descriptor follows; names are UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt16LE(nameBytes.length, 26);
    await this.write(Buffer.concat([local, nameBytes]));

    let crc = 0;
    let size = 0;
    const chunks =
      typeof body === 'string' || Buffer.isBuffer(body) ? [Buffer.from(body)] : body;
    for await (const chunk of chunks) {
      // contact.json comes as text: its size is counted in bytes, not characters.
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      crc = crc32(bytes, crc);
      size += bytes.length;
      await this.write(bytes);
    }

    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(size, 8);
    descriptor.writeUInt32LE(size, 12);
    await this.write(descriptor);
    this.entries.push({ nameBytes, crc, size, time, date, headerOffset });
  }

  /** Writes the central directory; the archive is complete after this. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const entry of this.entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(0x0808, 8);
      header.writeUInt16LE(0, 10);
      header.writeUInt16LE(entry.time, 12);
      header.writeUInt16LE(entry.date, 14);
      header.writeUInt32LE(entry.crc >>> 0, 16);
      header.writeUInt32LE(entry.size, 20);
      header.writeUInt32LE(entry.size, 24);
      header.writeUInt16LE(entry.nameBytes.length, 28);
      header.writeUInt32LE(entry.headerOffset, 42);
      await this.write(Buffer.concat([header, entry.nameBytes]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
  }

  private async write(bytes: Buffer): Promise<void> {
    if (this.offset + bytes.length > 0xffffffff) {
      throw new Error('The export is larger than a zip without ZIP64 can hold');
    }
    this.offset += bytes.length;
    // Back-pressure: wait for the reader to drain before writing more.
    if (!this.out.write(bytes)) await drained(this.out);
  }
}

interface CentralEntry {
  nameBytes: Buffer;
  crc: number;
  size: number;
  time: number;
  date: number;
  headerOffset: number;
}

function dosTime(at: number): { time: number; date: number } {
  const d = new Date(Math.max(at, Date.UTC(1980, 0, 1)));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date:
      ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** Waits for `out` to drain; a reader that went away ends the export. */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () =>
      done(
        Object.assign(new Error('Premature close'), {
          code: 'ERR_STREAM_PREMATURE_CLOSE',
        }),
      );
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', done);
  });
}
