import { AppError } from '@flowgento/core';

/**
 * Refuses an erasure of a contact whom a breach still to be told to its
 * people affects (`open`, from `BreachRegister.openAffecting`): once erased,
 * the person cannot be sent the breach's notice. One refusal for the API and
 * the command line, which differ only in how the admin confirms (`override`).
 */
export function refuseErasureDuringOpenBreach(
  open: readonly { title: string }[],
  override: string,
): void {
  if (open.length === 0) return;
  throw new AppError(
    'RULE_REFUSED',
    `This contact is affected by an open breach (${open.map((b) => b.title).join(', ')}) ` +
      'whose people are not yet told: once erased, they cannot be sent its notice. ' +
      `Tell them first, or ${override}.`,
    { reason: 'open_breach_affects_contact', details: { breaches: open.length } },
  );
}
