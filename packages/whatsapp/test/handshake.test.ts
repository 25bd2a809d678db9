import { describe, expect, it } from 'vitest';
import { verifyHandshake } from '../src/index.ts';

const isOurs = (token: string): boolean => token === 'verify-me';

function query(params: Record<string, string>): URLSearchParams {
  return new URLSearchParams(params);
}

describe('webhook verification handshake', () => {
  it('echoes the challenge when mode is subscribe and the token is ours', () => {
    const result = verifyHandshake(
      query({
        'hub.mode': 'subscribe',
        'hub.verify_token': 'verify-me',
        'hub.challenge': '1158201444',
      }),
      isOurs,
    );
    expect(result).toEqual({ ok: true, challenge: '1158201444' });
  });

  it('refuses a token that is not ours', () => {
    const params = {
      'hub.mode': 'subscribe',
      'hub.verify_token': 'guess',
      'hub.challenge': '1',
    };
    expect(verifyHandshake(query(params), isOurs)).toEqual({ ok: false });
  });

  it('refuses any mode other than subscribe', () => {
    const params = {
      'hub.mode': 'unsubscribe',
      'hub.verify_token': 'verify-me',
      'hub.challenge': '1',
    };
    expect(verifyHandshake(query(params), isOurs)).toEqual({ ok: false });
  });

  it('refuses a request without a challenge', () => {
    const params = { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me' };
    expect(verifyHandshake(query(params), isOurs)).toEqual({ ok: false });
  });

  it('refuses a challenge that would echo markup back', () => {
    const params = {
      'hub.mode': 'subscribe',
      'hub.verify_token': 'verify-me',
      'hub.challenge': '<script>alert(1)</script>',
    };
    expect(verifyHandshake(query(params), isOurs)).toEqual({ ok: false });
  });

  it('does not consult the token check when the token is missing', () => {
    let asked = false;
    const params = { 'hub.mode': 'subscribe', 'hub.challenge': '1' };
    const result = verifyHandshake(query(params), () => (asked = true));
    expect(result).toEqual({ ok: false });
    expect(asked).toBe(false);
  });
});
