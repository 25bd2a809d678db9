import { checkSnapshotFile } from './verify-file.ts';

/**
 * A snapshot-verification process: takes the file and its key over the IPC
 * channel (never in arguments or the environment, which other users may
 * read), checks it, sends the answer once and ends.
 */
if (!process.send) throw new Error('verify-child-main must run as a forked process');
process.once('message', (input: { path: string; key: string }) => {
  const output = checkSnapshotFile(input.path, Buffer.from(input.key, 'hex'));
  process.send!(output, () => process.disconnect());
});
