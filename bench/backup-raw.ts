import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * The baseline: the same file's bytes sent with one plain PutObject and read
 * back with one GetObject into a file, by a client made as the appliance
 * makes them, to the same bucket. No sealing, hashing or checking.
 */
export async function rawPut(
  client: S3Client,
  bucket: string,
  key: string,
  path: string,
): Promise<number> {
  const started = performance.now();
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: createReadStream(path),
      ContentLength: statSync(path).size,
    }),
  );
  return (performance.now() - started) / 1000;
}

export async function rawGet(
  client: S3Client,
  bucket: string,
  key: string,
  path: string,
): Promise<number> {
  const started = performance.now();
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!(response.Body instanceof Readable)) throw new Error('GetObject gave no stream');
  await pipeline(response.Body, createWriteStream(path));
  return (performance.now() - started) / 1000;
}
