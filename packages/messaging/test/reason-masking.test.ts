import { describe, expect, it } from 'vitest';
import { maskReason } from '../src/reason-masking.ts';

describe('a reason as it is stored', () => {
  it('keeps request references, grounds and short numbers as typed', () => {
    for (const reason of [
      'DSR-17 erasure request per Article 17 GDPR',
      'Court order 12/2026',
      'Consumer court summons 51/2026, order 4411',
      'ledger re-apply after restore',
    ]) {
      expect(maskReason(reason)).toBe(reason);
    }
  });

  it("masks e-mail addresses, phone numbers, names, and the contact's own name and number", () => {
    expect(
      maskReason('Eve Mallory (eve@example.test) asked by phone, call +44 7700 900123'),
    ).toBe(
      '[name withheld] ([e-mail address withheld]) asked by phone, call [phone number withheld]',
    );
    expect(
      maskReason('Carla asked on 15550007777, carla at mail dot example', {
        waId: '15550007777',
        profileName: 'Carla Customer',
      }),
    ).toBe('[name withheld] asked on [phone number withheld], [e-mail address withheld]');
  });
});
