import { describe, expect, it } from 'vitest';
import { isAppError } from '@flowgento/core';
import { fillTemplate, readTemplateShape } from '../src/template-parameters.ts';
import {
  checkKeywordLists,
  DEFAULT_START_KEYWORDS,
  DEFAULT_STOP_KEYWORDS,
  matchConsentKeyword,
} from '../src/consent-keywords.ts';

const components = [
  { type: 'HEADER', format: 'TEXT', text: 'Order {{order_id}}' },
  {
    type: 'BODY',
    text: 'Hi {{first_name}}, {{first_name}} again: it ships {{day}}.',
    example: { body_text_named_params: [] },
  },
  { type: 'FOOTER', text: 'Reply STOP to opt out' },
  {
    type: 'BUTTONS',
    buttons: [
      { type: 'QUICK_REPLY', text: 'Thanks' },
      { type: 'URL', text: 'Track', url: 'https://shop.example/track/{{1}}' },
    ],
  },
];

function refusalOf(run: () => unknown): { field: unknown; message: string } {
  try {
    run();
  } catch (error) {
    if (isAppError(error))
      return { field: error.details?.['field'], message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('template variables', () => {
  it('reads named header and body parameters once each, and URL button ones', () => {
    const shape = readTemplateShape(components);
    expect(shape.variables.map((v) => v.key)).toEqual([
      'header.order_id',
      'body.first_name',
      'body.day',
      'button.1.1',
    ]);
    expect(shape.unsupported).toBeNull();
    expect(shape.preview).toBe(
      'Order {{order_id}}\nHi {{first_name}}, {{first_name}} again: it ships {{day}}.\nReply STOP to opt out',
    );
  });

  it('builds the components Graph expects, with parameter names, and the text the customer reads', () => {
    const shape = readTemplateShape(components);
    const { components: sent, text } = fillTemplate(shape, {
      'header.order_id': 'A-1',
      'body.first_name': 'Asha',
      'body.day': 'today',
      'button.1.1': 'A-1',
    });
    expect(sent).toEqual([
      {
        type: 'header',
        parameters: [{ type: 'text', text: 'A-1', parameter_name: 'order_id' }],
      },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Asha', parameter_name: 'first_name' },
          { type: 'text', text: 'today', parameter_name: 'day' },
        ],
      },
      {
        type: 'button',
        sub_type: 'url',
        index: '1',
        parameters: [{ type: 'text', text: 'A-1' }],
      },
    ]);
    expect(text).toBe(
      'Order A-1\nHi Asha, Asha again: it ships today.\nReply STOP to opt out',
    );
  });

  it('refuses what Meta would: an empty value, five spaces in a row, a long header value', () => {
    const shape = readTemplateShape(components);
    const full = {
      'header.order_id': 'A-1',
      'body.first_name': 'Asha',
      'body.day': 'today',
      'button.1.1': 'A-1',
    };
    expect(refusalOf(() => fillTemplate(shape, { ...full, 'body.day': '  ' }))).toEqual({
      field: 'body.day',
      message: 'body.day: fill in this variable',
    });
    expect(
      refusalOf(() => fillTemplate(shape, { ...full, 'body.day': 'a     b' })).field,
    ).toBe('body.day');
    expect(
      refusalOf(() => fillTemplate(shape, { ...full, 'header.order_id': 'x'.repeat(61) }))
        .message,
    ).toBe('header.order_id: at most 60 characters');
  });

  it.each([
    ['a line separator', 'a\u2028b'],
    ['a paragraph separator', 'a\u2029b'],
    ['a next-line control', 'a\u0085b'],
    ['a carriage return', 'a\rb'],
    ['five no-break spaces', 'a\u00a0\u00a0\u00a0\u00a0\u00a0b'],
    ['five mixed spaces', 'a \u00a0\u2003 \u00a0b'],
  ])('refuses a value with %s, as Meta would', (_, value) => {
    const shape = readTemplateShape(components);
    const full = {
      'header.order_id': 'A-1',
      'body.first_name': 'Asha',
      'body.day': 'today',
      'button.1.1': 'A-1',
    };
    expect(
      refusalOf(() => fillTemplate(shape, { ...full, 'body.day': value })).field,
    ).toBe('body.day');
    expect(() =>
      fillTemplate(shape, { ...full, 'body.day': 'a\u00a0b c' }),
    ).not.toThrow();
  });

  it('names a header that needs a file as something the appliance cannot send yet', () => {
    const shape = readTemplateShape([
      { type: 'HEADER', format: 'IMAGE' },
      ...components.slice(1),
    ]);
    expect(shape.unsupported).toMatch(/image file/);
  });
});

describe('stop and start keywords', () => {
  const builtIn = { stop: DEFAULT_STOP_KEYWORDS, start: DEFAULT_START_KEYWORDS };

  it.each([
    ['STOP', 'stop'],
    ['Stop.', 'stop'],
    ['  unsubscribe!! ', 'stop'],
    ['ARRÊT', 'stop'],
    ['Baja', 'stop'],
    ['रोकें', 'stop'],
    ['توقف', 'stop'],
    ['stop\u200b', 'stop'],
    ['\ufeffSTOP', 'stop'],
    ['st\u200dop', 'stop'],
    ['stop' + '\u200b'.repeat(80), 'stop'],
    ['\u3164STOP\u3164', 'stop'],
    ['STOP\uffa0', 'stop'],
    ['تـوقف', 'stop'],
    ['START', 'start'],
    ['Démarrer', 'start'],
    ['शुरू', 'start'],
  ])('takes %j alone as %s', (text, kind) => {
    expect(matchConsentKeyword(text, builtIn)?.kind).toBe(kind);
  });

  it.each(['please stop', 'stop sending me this', 'STOPPING BY LATER', '', '🙂'])(
    'does not take %j as a keyword',
    (text) => {
      expect(matchConsentKeyword(text, builtIn)).toBeNull();
    },
  );

  it('normalises lists an admin typed and refuses a list customers could not leave by', () => {
    expect(
      checkKeywordLists({ stop: [' Basta YA ', 'basta ya'], start: ['Volver'] }),
    ).toEqual({
      stop: ['basta ya'],
      start: ['volver'],
    });
    expect(refusalOf(() => checkKeywordLists({ stop: [], start: ['go'] })).field).toBe(
      'stop',
    );
    expect(
      refusalOf(() => checkKeywordLists({ stop: ['alto'], start: ['ALTO'] })).field,
    ).toBe('start');
  });
});
