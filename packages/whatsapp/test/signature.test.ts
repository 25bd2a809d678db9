import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchSignature, signPayload } from '../src/index.ts';

const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

describe('webhook signatures', () => {
  it('signs as sha256= followed by the hex HMAC of the raw bytes', () => {
    const expected = createHmac('sha256', 'app-secret').update(body).digest('hex');
    expect(signPayload('app-secret', body)).toBe(`sha256=${expected}`);
  });

  it('returns the index of the secret that signed the body', () => {
    const header = signPayload('current', body);
    expect(matchSignature(header, body, ['current'])).toBe(0);
  });

  it('finds the signing secret among several, as during a rotation', () => {
    const header = signPayload('old-secret', body);
    expect(matchSignature(header, body, ['new-secret', 'old-secret'])).toBe(1);
  });

  it('accepts an upper-case hex digest', () => {
    const header = signPayload('current', body).replace(/[a-f]/g, (c) => c.toUpperCase());
    expect(matchSignature(`sha256=${header.slice(7)}`, body, ['current'])).toBe(0);
  });

  it('refuses a signature made with another secret', () => {
    const header = signPayload('attacker', body);
    expect(matchSignature(header, body, ['current', 'previous'])).toBe(-1);
  });

  it('refuses a signature over different bytes', () => {
    const header = signPayload('current', Buffer.from('{"tampered":true}'));
    expect(matchSignature(header, body, ['current'])).toBe(-1);
  });

  it('refuses a missing header', () => {
    expect(matchSignature(undefined, body, ['current'])).toBe(-1);
  });

  it.each([
    ['an empty header', ''],
    ['a bare digest without the sha256= prefix', signPayload('current', body).slice(7)],
    ['a sha1 header', `sha1=${'a'.repeat(40)}`],
    ['a digest of the wrong length', `sha256=${'a'.repeat(63)}`],
    ['a digest that is not hex', `sha256=${'z'.repeat(64)}`],
  ])('refuses %s', (_name, header) => {
    expect(matchSignature(header, body, ['current'])).toBe(-1);
  });

  it('never matches an empty secret, even when the body was signed with one', () => {
    const header = signPayload('', body);
    expect(matchSignature(header, body, [''])).toBe(-1);
  });

  it('returns -1 when no secrets are configured', () => {
    expect(matchSignature(signPayload('current', body), body, [])).toBe(-1);
  });
});
