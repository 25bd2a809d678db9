import { randomBytes } from 'node:crypto';
import { buildTextWebhook, signPayload } from '@flowgento/whatsapp';
import type { BenchNumber } from './appliance-data.ts';

/** Signed webhook deliveries, built before the clock starts. */
export interface DeliveryPool {
  bodies: Buffer[];
  signatures: string[];
  wamids: string[];
  /** How many entries repeat an earlier delivery byte for byte. */
  duplicates: number;
}

// Meta retries a delivery it thinks was lost. One in fifty entries repeats an
// earlier one: half a few places back (likely still in flight, so both meet
// in one commit batch), half far back (long since acknowledged). Neither
// offset lands on another repeat, so every repeat copies an original.
const DUPLICATE_EVERY = 50;
const NEAR_REPEAT = 17;
const FAR_REPEAT = 510;
const CUSTOMERS = 500;

/** `size` deliveries of one text message each; `tag` keeps wamids unique per pool. */
export function buildDeliveries(
  number: BenchNumber,
  tag: string,
  size: number,
): DeliveryPool {
  const pool: DeliveryPool = { bodies: [], signatures: [], wamids: [], duplicates: 0 };
  const timestampSeconds = Math.floor(Date.now() / 1000);

  for (let i = 0; i < size; i += 1) {
    const repeatOf = repeatIndex(i);
    if (repeatOf !== null) {
      pool.bodies.push(pool.bodies[repeatOf]!);
      pool.signatures.push(pool.signatures[repeatOf]!);
      pool.wamids.push(pool.wamids[repeatOf]!);
      pool.duplicates += 1;
      continue;
    }
    const customer = String(i % CUSTOMERS).padStart(7, '0');
    // Shaped like Meta's ids (base64 of random bytes), so they land at random
    // places in the dedupe index as real ones do; `tag` keeps pools apart.
    const wamid = `wamid.HBgL${tag}${randomBytes(27).toString('base64')}`;
    const body = Buffer.from(
      JSON.stringify(
        buildTextWebhook({
          phoneNumberId: number.phoneNumberId,
          displayPhoneNumber: number.displayPhoneNumber,
          timestampSeconds,
          waMessageId: wamid,
          from: `1555${customer}`,
          profileName: `Customer ${customer}`,
          text: `Hello, this is message ${i}. Is my order on its way?`,
        }),
      ),
    );
    pool.bodies.push(body);
    pool.signatures.push(signPayload(number.appSecret, body));
    pool.wamids.push(wamid);
  }
  return pool;
}

function repeatIndex(i: number): number | null {
  if (i % DUPLICATE_EVERY !== DUPLICATE_EVERY - 1) return null;
  const far = (i + 1) % (2 * DUPLICATE_EVERY) === 0;
  if (far && i >= FAR_REPEAT) return i - FAR_REPEAT;
  return i - NEAR_REPEAT;
}
