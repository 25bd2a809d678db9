import { describe, expect, it } from 'vitest';
import {
  luhnValid,
  maskJson,
  maskNumbers,
  verhoeffValid,
} from '../src/number-masking.ts';

const BOTH = { cards: true, identities: true };

describe('masking card and identity numbers', () => {
  it('masks Luhn-valid card numbers of 13 to 19 digits, with spaces or dashes, keeping the last four', () => {
    expect(maskNumbers('pay with 4111-1111-1111-1111 ok', BOTH)).toBe(
      'pay with ••••-••••-••••-1111 ok',
    );
    expect(maskNumbers('amex 378282246310005', BOTH)).toBe('amex •••••••••••0005');
    const eighteen = '601100099013942400';
    const long = eighteen + [...'0123456789'].find((d) => luhnValid(eighteen + d))!;
    expect(maskNumbers(`19 digits ${long}`, { cards: true, identities: false })).toBe(
      `19 digits ${'•'.repeat(15)}${long.slice(-4)}`,
    );
  });

  it('masks a card written with dots as it masks one with spaces or dashes', () => {
    const cards = { cards: true, identities: false };
    expect(maskNumbers('card 4111.1111.1111.1111.', cards)).toBe(
      'card ••••.••••.••••.1111.',
    );
    expect(maskNumbers('card 4111 1111 1111 1111', cards)).toBe(
      'card •••• •••• •••• 1111',
    );
    // The check digit still decides: a dotted reference that fails it stays.
    expect(maskNumbers('ref 4111.1111.1111.1112', cards)).toBe('ref 4111.1111.1111.1112');
    const eleven = '49876543210';
    const digit = [...'0123456789'].find((d) => verhoeffValid(eleven + d))!;
    const dotted = `${eleven.slice(0, 4)}.${eleven.slice(4, 8)}.${eleven.slice(8)}${digit}`;
    expect(maskNumbers(`id ${dotted}`, BOTH)).toBe(`id ••••.••••.${dotted.slice(-4)}`);
  });

  it('leaves numbers that fail their check, and those too short or too long', () => {
    for (const text of [
      'order 4111111111111112',
      'ref 411111111111', // 12 digits: not a card, and no Verhoeff match
      'twenty 41111111111111111111',
    ]) {
      expect(maskNumbers(text, { cards: true, identities: false })).toBe(text);
    }
  });

  it('masks Aadhaar only with a valid Verhoeff digit, and PAN by its shape', () => {
    expect(verhoeffValid('2363')).toBe(true);
    expect(luhnValid('4111111111111111')).toBe(true);
    const eleven = '49876543210';
    const digit = [...'0123456789'].find((d) => verhoeffValid(eleven + d))!;
    const aadhaar = `${eleven.slice(0, 4)} ${eleven.slice(4, 8)} ${eleven.slice(8)}${digit}`;
    const wrong = `${eleven.slice(0, 4)} ${eleven.slice(4, 8)} ${eleven.slice(8)}${(Number(digit) + 1) % 10}`;
    expect(maskNumbers(`id ${aadhaar}`, BOTH)).toBe(`id •••• •••• ${aadhaar.slice(-4)}`);
    expect(maskNumbers(`id ${wrong}`, BOTH)).toBe(`id ${wrong}`);
    expect(maskNumbers('PAN ABCPE1234F.', BOTH)).toBe('PAN ••••••••••.');
    expect(maskNumbers('code ABCXE1234F', BOTH)).toBe('code ABCXE1234F');
    expect(maskNumbers('PAN ABCPE1234F', { cards: true, identities: false })).toBe(
      'PAN ABCPE1234F',
    );
  });

  it("masks a card's security code and expiry written after their words, with or beside a card", () => {
    const cards = { cards: true, identities: false };
    expect(maskNumbers('4111 1111 1111 1111 exp 12/29 cvv 123', cards)).toBe(
      '•••• •••• •••• 1111 exp ••/•• cvv •••',
    );
    // Sent in a message of its own, the code is masked all the same.
    expect(maskNumbers('CVC: 1234, Expiry 12/2029, valid thru 01-27', cards)).toBe(
      'CVC: ••••, Expiry ••/••••, valid thru ••-••',
    );
    expect(maskNumbers('the CSC is 737', cards)).toBe('the CSC is •••');
    // Without the words, or with cards left unmasked, numbers stay.
    expect(maskNumbers('expected 12/29, order 123', cards)).toBe(
      'expected 12/29, order 123',
    );
    expect(maskNumbers('cvv 123', { cards: false, identities: true })).toBe('cvv 123');
  });

  it('masks a PAN typed in lower case as it masks one in capitals', () => {
    expect(maskNumbers('my pan abcpe1234f ok', BOTH)).toBe('my pan •••••••••• ok');
    expect(maskNumbers('code abcxe1234f', BOTH)).toBe('code abcxe1234f');
  });

  it("masks the customer's text in raw JSON but never Meta's identifiers", () => {
    const raw = JSON.stringify({
      from: '4111111111111111',
      id: 'wamid.1',
      text: { body: 'card 4111111111111111' },
      profile: { name: 'Asha' },
      ['__proto__']: { polluted: true },
    });
    const masked = JSON.parse(maskJson(raw, BOTH, true)) as Record<string, unknown>;
    expect(masked).toMatchObject({
      from: '4111111111111111',
      text: { body: 'card ••••••••••••1111' },
    });
    expect(masked['profile']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(maskJson('not json', BOTH, true)).toBe('not json');
  });
});
