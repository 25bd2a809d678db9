import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** One file a simulated customer sent, as Meta would hold it. */
export interface SimulatedMedia {
  id: string;
  /** The business number it was sent to; only that number's token reads it. */
  phoneNumberId: string;
  bytes: Buffer;
  mimeType: string;
  /** Hex SHA-256 that Graph reports: the file's own unless a test says otherwise. */
  sha256: string;
  /** Downloads still to answer 503 (a test of retries). */
  failuresLeft: number;
}

/** Meta's media URLs stay valid for five minutes. */
export const MEDIA_URL_TTL_MS = 5 * 60_000;

/**
 * Media held by the simulator, and the short-lived download URLs Graph hands
 * out for it. A URL is signed with a key that exists only in this process
 * and carries its expiry, so a stale, altered or made-up URL is refused.
 */
export class SimulatedMediaStore {
  readonly #media = new Map<string, SimulatedMedia>();
  readonly #urlKey = randomBytes(32);

  constructor(private readonly urlTtlMs: number = MEDIA_URL_TTL_MS) {}

  add(input: {
    /** A given id: Meta keeps a file across the appliance's restarts. */
    id?: string;
    phoneNumberId: string;
    bytes: Buffer;
    mimeType: string;
    sha256?: string;
  }): SimulatedMedia {
    // Graph media ids are long decimal numbers.
    const id = input.id ?? BigInt(`0x${randomBytes(7).toString('hex')}`).toString();
    const media: SimulatedMedia = {
      id,
      phoneNumberId: input.phoneNumberId,
      bytes: input.bytes,
      mimeType: input.mimeType,
      sha256: input.sha256 ?? createHash('sha256').update(input.bytes).digest('hex'),
      failuresLeft: 0,
    };
    this.#media.set(id, media);
    return media;
  }

  get(id: string): SimulatedMedia | undefined {
    return this.#media.get(id);
  }

  /** Forgets a file, as Meta does once media expires (after 30 days). */
  delete(id: string): boolean {
    return this.#media.delete(id);
  }

  /** `/media-download/<id>?expires=…&signature=…`, valid for the TTL. */
  signedPath(id: string, now = Date.now()): string {
    const expires = String(now + this.urlTtlMs);
    return `/media-download/${id}?expires=${expires}&signature=${this.#sign(id, expires)}`;
  }

  /** True when the URL was made here for this id and has not expired. */
  verify(
    id: string,
    params: URLSearchParams,
    now = Date.now(),
  ): 'ok' | 'expired' | 'bad' {
    const expires = params.get('expires') ?? '';
    const signature = Buffer.from(params.get('signature') ?? '', 'hex');
    const expected = Buffer.from(this.#sign(id, expires), 'hex');
    if (!/^\d{1,15}$/.test(expires) || signature.length !== expected.length) return 'bad';
    if (!timingSafeEqual(signature, expected)) return 'bad';
    return Number(expires) < now ? 'expired' : 'ok';
  }

  #sign(id: string, expires: string): string {
    return createHmac('sha256', this.#urlKey).update(`${id}.${expires}`).digest('hex');
  }
}
