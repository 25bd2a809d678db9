import type { Outputs } from '../api.ts';

type Contact = Outputs['inbox']['conversations'][number]['contact'];

/** WhatsApp ids are international numbers without the plus. */
export function contactNumber(contact: Contact): string {
  return `+${contact.waId}`;
}

export function contactName(contact: Contact): string {
  return contact.profileName?.trim() || contactNumber(contact);
}
