import type { IncomingMessage, ServerResponse } from 'node:http';
import { actorOf } from '@flowgento/access';
import { auditExportInput, describeZodIssues } from '@flowgento/api';
import type { Logger, RequestOrigin } from '@flowgento/core';
import type { Services } from '../services.ts';
import { passDownloadGate } from './download-gate.ts';

export const AUDIT_EXPORT_PATH = '/api/audit/export';

/** How refusals of the export name it, in the log and in `access.denied`. */
const EXPORT_NAME = 'audit.export';

/**
 * `GET /api/audit/export?format=csv|jsonl&…filters`: the workspace's audit
 * entries as a download. It is a plain link rather than a tRPC call so that
 * the browser streams the file to disk; the checks `enforce` makes for a
 * procedure requiring `audit.manage` are made here, refusals audited alike.
 * Like `/trpc`, it answers no other origin and sends no CORS header.
 */
export async function handleAuditExport(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  services: Services,
  origin: RequestOrigin,
  logger: Logger,
): Promise<void> {
  const passed = passDownloadGate(
    req,
    res,
    { name: EXPORT_NAME, requires: 'audit.manage' },
    services,
    origin,
    logger,
  );
  if (!passed) return;
  const { auth, refuse } = passed;
  const parsed = auditExportInput.safeParse(exportInputOf(url.searchParams));
  if (!parsed.success) {
    const message = describeZodIssues(parsed.error) ?? 'Invalid export request';
    return refuse(400, 'BAD_REQUEST', message, 'invalid_input');
  }

  const { format, ...filters } = parsed.data;
  const run = services.auditExports.start(
    { part: { scope: auth.scope }, filters, format },
    { workspaceId: auth.workspaceId, actor: actorOf(auth), origin },
  );
  // Audited before the first byte: if the entry cannot be written, this
  // fails as a plain 500 and nothing is exported.
  const rows = run.begin();
  res.writeHead(200, {
    'Content-Type': run.contentType,
    'Content-Disposition': `attachment; filename="${run.fileName}"`,
    'Cache-Control': 'no-store',
  });
  try {
    await run.streamTo(res);
  } catch (error) {
    // A cancelled download is the person's choice, not a fault; the export
    // was audited when it began, and the log says how far it got.
    if ((error as { code?: unknown }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    logger.info(
      { format, rows, delivered: run.rows, ip: origin.ip, requestId: origin.requestId },
      'audit export cancelled',
    );
    return;
  }
  logger.info(
    { format, rows: run.rows, ip: origin.ip, requestId: origin.requestId },
    'audit exported',
  );
}

/** Query parameters as the input schema takes them; empty ones mean "any". */
function exportInputOf(params: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (value === '') continue;
    input[key] = key === 'from' || key === 'to' ? Number(value) : value;
  }
  return input;
}
