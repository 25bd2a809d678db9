// A second writer on its own connection, in its own process: writes rows
// of batch argv[4] to the database argv[2] (key hex argv[3]) for argv[5] ms,
// committing one row at a time, as fast as it can. Never checkpoints.
import { randomUUID } from 'node:crypto';
import { openEncryptedDatabase } from '@flowgento/store';

const [path, keyHex, batch, forMs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const db = openEncryptedDatabase({
  path,
  key: Buffer.from(keyHex, 'hex'),
  mustExist: true,
  autoCheckpoint: false,
});
const insert = db.prepare(
  'INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)',
);
const until = Date.now() + Number(forMs);
let rows = 0;
while (Date.now() < until) {
  insert.run(
    `${batch}-${rows}-${randomUUID()}`,
    `${batch} ${'y'.repeat(500)}`,
    Date.now(),
  );
  rows += 1;
}
db.close();
process.stdout.write(`${rows}\n`);
