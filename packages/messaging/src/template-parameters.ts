import { AppError } from '@flowgento/core';

/**
 * The variables of a template, read from Graph's `components`, and the
 * `components` of a send that fills them. Positional (`{{1}}`) and named
 * (`{{first_name}}`) parameters are both read. Rules are Meta's: every
 * variable filled, no new line or tab, no more than four spaces in a row
 * (error 132018), within the length Meta allows.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
 */

export type TemplatePlace = 'header' | 'body' | 'button';

export interface TemplateVariable {
  /** The form field: `body.1`, `header.name`, `button.0.1`. */
  key: string;
  place: TemplatePlace;
  /** `1`, `2`, … or the parameter's name. */
  name: string;
  /** The button's index, for URL buttons. */
  buttonIndex: number | null;
  example: string | null;
}

export interface TemplateShape {
  variables: TemplateVariable[];
  /** The text as the customer will read it, with `{{…}}` where variables go. */
  preview: string;
  /** Why the appliance cannot send it, e.g. a header that needs a file. */
  unsupported: string | null;
}

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const MAX_BODY_PARAMETER = 1024;
const MAX_HEADER_PARAMETER = 60;

export function readTemplateShape(components: unknown[]): TemplateShape {
  const variables: TemplateVariable[] = [];
  const lines: string[] = [];
  let unsupported: string | null = null;

  for (const raw of components) {
    const c = asRecord(raw);
    if (!c) continue;
    const type = typeof c['type'] === 'string' ? c['type'].toUpperCase() : '';
    const text = typeof c['text'] === 'string' ? c['text'] : '';
    if (type === 'HEADER') {
      const format = typeof c['format'] === 'string' ? c['format'].toUpperCase() : 'TEXT';
      if (format !== 'TEXT') {
        unsupported = `its header needs a ${format.toLowerCase()} file, which the appliance does not send yet`;
        continue;
      }
      lines.push(text);
      variables.push(...variablesIn(text, 'header', null, examplesOf(c, 'header_text')));
    } else if (type === 'BODY') {
      lines.push(text);
      variables.push(...variablesIn(text, 'body', null, examplesOf(c, 'body_text')));
    } else if (type === 'FOOTER') {
      lines.push(text);
    } else if (type === 'BUTTONS' && Array.isArray(c['buttons'])) {
      (c['buttons'] as unknown[]).forEach((b, index) => {
        const button = asRecord(b);
        if (button?.['type'] === 'URL' && typeof button['url'] === 'string') {
          variables.push(...variablesIn(button['url'], 'button', index, []));
        }
      });
    }
  }
  return { variables, preview: lines.filter(Boolean).join('\n'), unsupported };
}

/**
 * Checks the values an agent typed against the template and builds the
 * send's `components` and the text stored for the conversation.
 */
export function fillTemplate(
  shape: TemplateShape,
  values: Readonly<Record<string, string>>,
): { components: unknown[]; text: string } {
  for (const key of Object.keys(values)) {
    if (!shape.variables.some((v) => v.key === key)) {
      throw invalid(key, `${key}: the template has no such variable`);
    }
  }
  const filled = new Map<string, string>();
  for (const variable of shape.variables) {
    const value = (values[variable.key] ?? '').trim();
    if (value.length === 0)
      throw invalid(variable.key, `${variable.key}: fill in this variable`);
    // Any line break or control character (U+2028 and U+0085 too), and any
    // run of five spaces of any kind (no-break spaces too), as Meta refuses.
    if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(value) || /\s{5,}/u.test(value)) {
      throw invalid(
        variable.key,
        `${variable.key}: no new lines, tabs or more than four spaces in a row`,
      );
    }
    const max = variable.place === 'header' ? MAX_HEADER_PARAMETER : MAX_BODY_PARAMETER;
    if (value.length > max) {
      throw invalid(variable.key, `${variable.key}: at most ${max} characters`);
    }
    filled.set(variable.key, value);
  }

  const components: unknown[] = [];
  for (const place of ['header', 'body'] as const) {
    const own = shape.variables.filter((v) => v.place === place);
    if (own.length === 0) continue;
    components.push({
      type: place,
      parameters: own.map((v) => ({
        type: 'text',
        text: filled.get(v.key),
        ...(/^\d+$/.test(v.name) ? {} : { parameter_name: v.name }),
      })),
    });
  }
  for (const v of shape.variables.filter((x) => x.place === 'button')) {
    components.push({
      type: 'button',
      sub_type: 'url',
      index: String(v.buttonIndex ?? 0),
      parameters: [{ type: 'text', text: filled.get(v.key) }],
    });
  }

  const text = shape.preview.replace(VARIABLE, (_match, name: string) => {
    const variable = shape.variables.find((v) => v.name === name && v.place !== 'button');
    return variable ? (filled.get(variable.key) ?? '') : '';
  });
  return { components, text };
}

function variablesIn(
  text: string,
  place: TemplatePlace,
  buttonIndex: number | null,
  examples: string[],
): TemplateVariable[] {
  const seen = new Set<string>();
  const out: TemplateVariable[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1]!;
    if (seen.has(name)) continue;
    seen.add(name);
    const key =
      buttonIndex === null ? `${place}.${name}` : `${place}.${buttonIndex}.${name}`;
    out.push({ key, place, name, buttonIndex, example: examples[out.length] ?? null });
  }
  return out;
}

function examplesOf(component: Record<string, unknown>, field: string): string[] {
  const example = asRecord(component['example'])?.[field];
  const first: unknown = Array.isArray(example)
    ? Array.isArray(example[0])
      ? example[0]
      : example
    : [];
  return Array.isArray(first)
    ? first.filter((x): x is string => typeof x === 'string')
    : [];
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function invalid(field: string, message: string): AppError {
  return new AppError('INVALID_INPUT', message, {
    reason: 'template_parameters_invalid',
    details: { field },
  });
}
