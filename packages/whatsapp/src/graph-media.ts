import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AppError } from '@flowgento/core';
import { graphFailure, readGraphError, transportFailure } from './graph-errors.ts';
import { isTimeout } from './http-post.ts';
import { parseServiceUrl } from './loopback.ts';
import { checkedDownload, mediaRefused } from './media-check.ts';
import { MEDIA_SIZE_LIMITS, type MediaKind } from './media-kinds.ts';
import { checkMediaUrl } from './media-url.ts';

export interface GraphMediaOptions {
  /** https, or http on a loopback host (the built-in simulator). */
  baseUrl: string;
  apiVersion: string;
  /** For the lookup; default 10000. */
  lookupTimeoutMs?: number;
  /** For the whole download; default 120000 (100 MB at about 7 Mbit/s). */
  downloadTimeoutMs?: number;
}

/** What `GET /{version}/{media-id}` says of a file. */
export interface MediaInfo {
  id: string;
  url: string;
  mimeType: string;
  sha256: string;
  fileSize: number;
}

const MEDIA_ID = /^[A-Za-z0-9_-]{1,128}$/;
const API_VERSION = /^v\d{1,3}\.\d{1,3}$/;

/**
 * Fetches inbound media the documented way: the media id gives a
 * short-lived URL, and that URL gives the bytes, both with the number's
 * bearer token. Redirects are refused (one could carry the token away).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media#download-media
 */
export class GraphMediaClient {
  readonly #base: URL;
  readonly #apiVersion: string;
  readonly #lookupTimeoutMs: number;
  readonly #downloadTimeoutMs: number;

  constructor(options: GraphMediaOptions) {
    const base = parseServiceUrl(options.baseUrl, 'Graph API base URL');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    if (!API_VERSION.test(options.apiVersion)) {
      throw new AppError('CONFIG_INVALID', 'Graph API version must look like v23.0');
    }
    this.#base = base;
    this.#apiVersion = options.apiVersion;
    this.#lookupTimeoutMs = options.lookupTimeoutMs ?? 10_000;
    this.#downloadTimeoutMs = options.downloadTimeoutMs ?? 120_000;
  }

  /** The file's URL and facts; `media_not_found` when Meta no longer has it. */
  async lookup(
    mediaId: string,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<MediaInfo> {
    if (!MEDIA_ID.test(mediaId)) throw mediaRefused('media_not_found', 'Not a media id');
    const url = new URL(`${this.#apiVersion}/${mediaId}`, this.#base);
    const response = await this.#get(url, accessToken, this.#lookupTimeoutMs, signal);
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // An HTML error page; the status says enough.
    }
    if (!response.ok) throw lookupFailure(response.status, json, accessToken);
    return readMediaInfo(json);
  }

  /**
   * The file's bytes as a stream that fails unless they are all there, no
   * more than WhatsApp allows for `kind` and the size Graph declared, and
   * match Meta's SHA-256. Use them only once the stream has ended cleanly.
   */
  async download(
    info: MediaInfo,
    kind: MediaKind,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<Readable> {
    const url = checkMediaUrl(info.url, this.#base);
    const maxBytes = MEDIA_SIZE_LIMITS[kind];
    if (info.fileSize > maxBytes) {
      throw mediaRefused('media_too_large', `The ${kind} is larger than WhatsApp allows`);
    }
    const response = await this.#get(url, accessToken, this.#downloadTimeoutMs, signal);
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw downloadFailure(response.status);
    }
    const declared = Number(response.headers.get('content-length') ?? info.fileSize);
    if (declared !== info.fileSize) {
      await response.body.cancel();
      throw mediaRefused('media_size_mismatch', 'The download is not the declared size');
    }
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const checked = checkedDownload({
      size: info.fileSize,
      maxBytes,
      sha256: info.sha256,
    });
    // pipeline, not pipe: a connection lost half-way must fail the checked
    // stream too, or its reader would wait for an end that never comes.
    return pipeline(body, checked, () => undefined);
  }

  async #get(url: URL, accessToken: string, timeoutMs: number, signal?: AbortSignal) {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return await fetch(url, {
        headers: { authorization: `Bearer ${accessToken}` },
        redirect: 'error',
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (error) {
      throw transportFailure(isTimeout(error) ? 'timeout' : 'network', error);
    }
  }
}

function readMediaInfo(json: unknown): MediaInfo {
  const body = (json ?? {}) as Record<string, unknown>;
  const size = Number(body['file_size']);
  const text = (key: string) => (typeof body[key] === 'string' ? body[key] : '');
  const info = {
    id: text('id'),
    url: text('url'),
    mimeType: text('mime_type'),
    sha256: text('sha256'),
    fileSize: size,
  };
  if (!info.url || !info.sha256 || !Number.isSafeInteger(size) || size < 0) {
    throw mediaRefused('media_bad_response', 'WhatsApp described the media unreadably');
  }
  return info;
}

function lookupFailure(status: number, json: unknown, accessToken: string): AppError {
  // Graph answers an unknown or expired media id with 404, or 400 code 100.
  const graph = readGraphError(json);
  if (status === 404 || (status === 400 && graph?.code === 100)) {
    return mediaRefused('media_not_found', 'WhatsApp no longer has this media');
  }
  return graphFailure(status, graph, (text) =>
    text.split(accessToken).join('[redacted]'),
  );
}

function downloadFailure(status: number): AppError {
  // A stale or refused URL: a new lookup gives a fresh one, so it is retried.
  const retryable = status >= 500 || status === 429 || status === 403 || status === 404;
  const reason =
    status === 403 || status === 404 ? 'media_url_expired' : `graph_http_${status}`;
  return new AppError('UPSTREAM_FAILED', 'WhatsApp did not serve the media file', {
    reason,
    details: { retryable, httpStatus: status },
  });
}
