import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@flowgento/core';
import { hasToken } from './bearer.ts';
import { replyGraphError, replyJson } from './graph-reply.ts';
import type { SimulatedNumber } from './types.ts';

/** A template the simulator lists, in Graph's wire format. */
export interface SimulatedTemplate {
  id: string;
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  status: string;
  rejected_reason?: string;
  components: Record<string, unknown>[];
}

/**
 * What every simulated business account starts with: an approved utility
 * template with a variable, an approved marketing one, one still in review
 * and one rejected, so each path can be tried without a Meta account.
 */
export function sampleTemplates(): SimulatedTemplate[] {
  return [
    {
      id: '900000000000001',
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      components: [
        {
          type: 'BODY',
          text: 'Hello {{1}}, your order {{2}} is on its way.',
          example: { body_text: [['Asha', 'A-1042']] },
        },
      ],
    },
    {
      id: '900000000000002',
      name: 'spring_sale',
      language: 'en_US',
      category: 'MARKETING',
      status: 'APPROVED',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Spring sale' },
        {
          type: 'BODY',
          text: 'Hi {{1}}, everything is 20% off this week.',
          example: { body_text: [['Asha']] },
        },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
      ],
    },
    {
      id: '900000000000003',
      name: 'appointment_reminder',
      language: 'en_US',
      category: 'UTILITY',
      status: 'PENDING',
      components: [{ type: 'BODY', text: 'Your appointment is on {{1}}.' }],
    },
    {
      id: '900000000000004',
      name: 'win_back',
      language: 'en_US',
      category: 'MARKETING',
      status: 'REJECTED',
      rejected_reason: 'PROMOTIONAL',
      components: [{ type: 'BODY', text: 'We miss you!' }],
    },
  ];
}

const TEMPLATES_ROUTE = /^\/v\d{1,3}\.\d{1,3}\/([^/]+)\/message_templates\/?$/;

export interface TemplateRouteContext {
  numbers: ReadonlyMap<string, SimulatedNumber>;
  templates: Map<string, SimulatedTemplate[]>;
  logger: Logger;
}

/**
 * The simulated `GET /{version}/{waba-id}/message_templates`, paged with
 * `limit` and an `after` cursor like Graph. Answers only a token of a
 * number registered under that business account.
 */
export function handleTemplatesRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: TemplateRouteContext,
): boolean {
  const route = TEMPLATES_ROUTE.exec(url.pathname);
  if (req.method !== 'GET' || route?.[1] === undefined) return false;
  const wabaId = decodeURIComponent(route[1]);
  const owners = [...ctx.numbers.values()].filter((n) => n.businessAccountId === wabaId);
  if (!owners.some((n) => hasToken(req.headers.authorization, n.accessToken))) {
    ctx.logger.info(
      { reason: 'invalid_token', status: 401 },
      'simulated request refused',
    );
    replyGraphError(res, {
      status: 401,
      code: 190,
      type: 'OAuthException',
      message: 'The access token is invalid (simulated)',
    });
    return true;
  }

  const all = ctx.templates.get(wabaId) ?? sampleTemplates();
  const limit = Math.min(Math.max(Number(url.searchParams.get('limit')) || 25, 1), 100);
  const start = Number(url.searchParams.get('after') ?? '0') || 0;
  const page = all.slice(start, start + limit);
  const nextStart = start + page.length;
  const more = nextStart < all.length;
  const cursor = (n: number) => String(n);
  replyJson(res, 200, {
    data: page,
    paging: {
      cursors: { before: cursor(start), after: cursor(nextStart) },
      ...(more
        ? { next: `${url.origin}${url.pathname}?limit=${limit}&after=${nextStart}` }
        : {}),
    },
  });
  return true;
}
