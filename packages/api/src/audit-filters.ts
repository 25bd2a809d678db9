import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_EXPORT_FORMATS } from '@flowgento/audit';

/** Milliseconds since the epoch, within what a date can show. */
const time = z.number().int().min(0).max(8.64e15);

/**
 * The audit page's filters, as `audit.list`, `audit.count`, the export link
 * and `flowgento audit export` take them.
 */
const filterFields = {
  actor: z.string().trim().min(1).max(254).optional(),
  action: z.enum(AUDIT_ACTIONS, { error: 'Choose an action from the list' }).optional(),
  targetType: z.string().trim().min(1).max(64).optional(),
  targetId: z.string().trim().min(1).max(254).optional(),
  from: time.optional(),
  to: time.optional(),
};

/** A range that ends before it starts is a mistake to point out, not an empty page. */
const datesInOrder: [
  (filters: { from?: number | undefined; to?: number | undefined }) => boolean,
  { message: string; path: string[] },
] = [
  (filters) =>
    filters.from === undefined || filters.to === undefined || filters.from <= filters.to,
  { message: 'The end date is before the start date', path: ['to'] },
];

export const auditFilterInput = z.strictObject(filterFields).refine(...datesInOrder);

export const auditListInput = z
  .strictObject({
    ...filterFields,
    limit: z.number().int().min(1).max(200).default(50),
    beforeSeq: z.number().int().positive().optional(),
  })
  .refine(...datesInOrder);

export const auditExportInput = z
  .strictObject({ ...filterFields, format: z.enum(AUDIT_EXPORT_FORMATS) })
  .refine(...datesInOrder);
