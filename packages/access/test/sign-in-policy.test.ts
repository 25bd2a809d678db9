import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  accountHash,
  delayAfter,
  describeUserAgent,
} from '../src/index.ts';

const MINUTE_MS = 60 * 1000;

describe('the wait after failed sign-ins', () => {
  it('is free for four failures, then 30 s doubling up to 15 minutes', () => {
    const waits = [1, 4, 5, 6, 7, 8, 9, 10, 50].map((n) => delayAfter(n, ACCOUNT_POLICY));
    expect(waits).toEqual([
      0,
      0,
      30_000,
      60_000,
      2 * MINUTE_MS,
      4 * MINUTE_MS,
      8 * MINUTE_MS,
      15 * MINUTE_MS,
      15 * MINUTE_MS,
    ]);
  });

  it('gives an address shared by an office more room than one account', () => {
    expect(delayAfter(19, ADDRESS_POLICY)).toBe(0);
    expect(delayAfter(20, ADDRESS_POLICY)).toBe(30_000);
  });

  it('keys an account by its email whatever the case or spacing', () => {
    expect(accountHash(' Ann@Acme.TEST ')).toBe(accountHash('ann@acme.test'));
    expect(accountHash('ann@acme.test')).not.toContain('ann');
  });
});

describe('a session’s device as its owner sees it', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
        'Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
        'Version/17.5 Safari/605.1.15',
      'Safari on macOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 ' +
        '(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      'Firefox on Linux',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) ' +
        'Chrome/131.0.0.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    [null, 'Unknown device'],
    ['curl/8.5.0', 'curl/8.5.0'],
  ])('%s → %s', (userAgent, expected) => {
    expect(describeUserAgent(userAgent)).toBe(expected);
  });

  it('cuts an unrecognised agent string short', () => {
    const shown = describeUserAgent('x'.repeat(500));
    expect(shown).toHaveLength(60);
    expect(shown.endsWith('…')).toBe(true);
  });
});
