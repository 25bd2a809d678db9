import { AppError } from '@flowgento/core';
import { graphFailure, readGraphError, transportFailure } from './graph-errors.ts';
import { isTimeout } from './http-post.ts';
import { parseServiceUrl } from './loopback.ts';

/**
 * Reads a business account's message templates:
 * `GET /{version}/{waba-id}/message_templates`, following Graph's cursor
 * paging. Shape: https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/
 */

/** One template as Graph lists it; fields the appliance does not read are dropped. */
export interface GraphTemplate {
  id: string | null;
  name: string;
  language: string;
  category: string;
  status: string;
  rejectedReason: string | null;
  /** Graph's `components` array, as sent. */
  components: unknown[];
}

export interface GraphTemplatesOptions {
  baseUrl: string;
  apiVersion: string;
  timeoutMs?: number;
}

/** Pages followed at most: 100 templates a page is Graph's maximum. */
const MAX_PAGES = 50;
const PAGE_SIZE = 100;
const WABA_ID = /^[0-9A-Za-z_-]{1,64}$/;

export class GraphTemplatesClient {
  readonly #baseUrl: URL;
  readonly #apiVersion: string;
  readonly #timeoutMs: number;

  constructor(options: GraphTemplatesOptions) {
    const base = parseServiceUrl(options.baseUrl, 'Graph API base URL');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#baseUrl = base;
    this.#apiVersion = options.apiVersion;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async list(businessAccountId: string, accessToken: string): Promise<GraphTemplate[]> {
    if (!WABA_ID.test(businessAccountId)) {
      throw new AppError('INVALID_INPUT', 'businessAccountId is missing or malformed', {
        reason: 'invalid_send_request',
        details: { field: 'businessAccountId' },
      });
    }
    const path = `${this.#apiVersion}/${encodeURIComponent(businessAccountId)}/message_templates`;
    const templates: GraphTemplate[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const url = new URL(path, this.#baseUrl);
      url.searchParams.set('limit', String(PAGE_SIZE));
      url.searchParams.set(
        'fields',
        'id,name,language,category,status,rejected_reason,components',
      );
      if (after !== null) url.searchParams.set('after', after);
      const json = await this.#get(url, accessToken);
      templates.push(...readTemplates(json));
      after = nextCursor(json);
      if (after === null) return templates;
    }
    return templates;
  }

  async #get(url: URL, accessToken: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        // Graph never redirects; following one could carry the token elsewhere.
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw transportFailure(isTimeout(error) ? 'timeout' : 'network', error);
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // A proxy's error page: the status still says what happened.
    }
    if (!response.ok) {
      const scrub = (value: string): string =>
        value.split(accessToken).join('[redacted]');
      throw graphFailure(response.status, readGraphError(json), scrub);
    }
    return json;
  }
}

function readTemplates(json: unknown): GraphTemplate[] {
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  const out: GraphTemplate[] = [];
  for (const item of data as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const t = item as Record<string, unknown>;
    const name = t['name'];
    const language = t['language'];
    if (typeof name !== 'string' || typeof language !== 'string') continue;
    out.push({
      id: typeof t['id'] === 'string' ? t['id'] : null,
      name,
      language,
      category: typeof t['category'] === 'string' ? t['category'] : 'UNKNOWN',
      status: typeof t['status'] === 'string' ? t['status'] : 'UNKNOWN',
      rejectedReason:
        typeof t['rejected_reason'] === 'string' && t['rejected_reason'] !== 'NONE'
          ? t['rejected_reason']
          : null,
      components: Array.isArray(t['components']) ? (t['components'] as unknown[]) : [],
    });
  }
  return out;
}

function nextCursor(json: unknown): string | null {
  const paging = (json as { paging?: { next?: unknown; cursors?: { after?: unknown } } })
    ?.paging;
  if (typeof paging?.next !== 'string') return null;
  const after = paging.cursors?.after;
  return typeof after === 'string' && after.length > 0 ? after : null;
}
