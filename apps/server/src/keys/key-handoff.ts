import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import { z } from 'zod';
import { AppError } from '@flowgento/core';

/**
 * What the desktop app hands `flowgento serve --key-fd N` over an inherited
 * pipe: the root key it keeps wrapped by the OS keychain, or the passphrase
 * the admin typed. A pipe, because argv and the environment of a process can
 * be read by other users (ps, /proc/<pid>/environ on some systems) and a file
 * would leave the key on disk.
 */
export type KeyHandoff =
  { kind: 'root-key'; rootKey: Buffer } | { kind: 'passphrase'; passphrase: string };

// Only `serve` takes --key-fd: no other process of the desktop app opens the
// database. The command-line commands that do (backup, keys, audit, storage,
// metrics) take the recovery kit's root key in a 0600 file (--key-file), as
// the README says for a keychain install.

/** The first line on the pipe is the key; nothing longer is read. */
const MAX_HANDOFF_BYTES = 4096;

const handoffSchema = z.union([
  z.strictObject({ rootKey: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.strictObject({ passphrase: z.string().min(1).max(1024) }),
]);

/** Reads one handoff line; a malformed one is refused without echoing it. */
export function parseKeyHandoff(line: string): KeyHandoff {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw invalid('it is not JSON');
  }
  const parsed = handoffSchema.safeParse(value);
  if (!parsed.success) {
    throw invalid('it must hold either rootKey (64 lowercase hex) or passphrase');
  }
  return 'rootKey' in parsed.data
    ? { kind: 'root-key', rootKey: Buffer.from(parsed.data.rootKey, 'hex') }
    : { kind: 'passphrase', passphrase: parsed.data.passphrase };
}

/** The inherited pipe: the key comes first; its end means the parent is gone. */
export interface KeyChannel {
  handoff: KeyHandoff;
  /** Calls `stop` once when the parent closes its end (quits or dies). */
  onParentGone(stop: () => void): void;
}

/**
 * Opens descriptor `fd` (a pipe or socket the parent set up at spawn), reads
 * the key line and keeps the pipe open: when the parent ends it, the server
 * stops cleanly instead of running on unowned.
 */
export async function openKeyChannel(fd: number): Promise<KeyChannel> {
  assertKeyPipe(fd);
  return readKeyChannel(fd);
}

/**
 * Only a pipe or socket set up by the parent carries a key: a regular file
 * or a terminal on that descriptor is refused with a sentence, not left to
 * the socket layer's "Unsupported fd type".
 */
function assertKeyPipe(fd: number): void {
  let stats;
  try {
    stats = fstatSync(fd);
  } catch (error) {
    throw new AppError(
      'KEY_REJECTED',
      `--key-fd ${fd} is not open; the desktop app passes a pipe there when it starts the server`,
      { reason: 'key_handoff_unreadable', cause: error },
    );
  }
  if (!stats.isFIFO() && !stats.isSocket()) {
    throw new AppError(
      'KEY_REJECTED',
      `--key-fd ${fd} is not a pipe; the desktop app passes one when it starts the ` +
        'server (from a shell, use --key-file or FLOWGENTO_DB_PASSPHRASE)',
      { reason: 'key_handoff_unreadable' },
    );
  }
}

function readKeyChannel(fd: number): Promise<KeyChannel> {
  const socket = new Socket({ fd, readable: true, writable: false });
  let buffered = Buffer.alloc(0);
  let gone = false;
  let whenGone: (() => void) | undefined;
  const parentGone = () => {
    if (gone) return;
    gone = true;
    whenGone?.();
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(error);
    };
    socket.on('data', (chunk: Buffer) => {
      if (settled) return; // later bytes carry no meaning; only the end does
      buffered = Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(0x0a);
      if (newline < 0) {
        if (buffered.length > MAX_HANDOFF_BYTES) fail(invalid('it is too long'));
        return;
      }
      const line = buffered.subarray(0, newline).toString('utf8');
      buffered.fill(0);
      buffered = Buffer.alloc(0);
      try {
        const handoff = parseKeyHandoff(line);
        settled = true;
        // Watching for the end must not keep a stopped server alive.
        socket.unref();
        resolve({
          handoff,
          onParentGone(stop) {
            whenGone = stop;
            if (gone) stop();
          },
        });
      } catch (error) {
        fail(error as AppError);
      }
    });
    socket.on('end', () => {
      fail(invalid('the pipe closed before a key arrived'));
      parentGone();
    });
    socket.on('close', parentGone);
    socket.on('error', (error) =>
      fail(
        new AppError('KEY_REJECTED', `--key-fd ${fd} cannot be read`, {
          reason: 'key_handoff_unreadable',
          cause: error,
        }),
      ),
    );
  });
}

function invalid(problem: string): AppError {
  return new AppError(
    'KEY_REJECTED',
    `The key handed over on --key-fd is invalid: ${problem}`,
    {
      reason: 'key_handoff_invalid',
    },
  );
}
