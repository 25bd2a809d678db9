import type { InboundEvent } from '../inbound-builders.ts';

/** The kinds the simulator panel can send as a customer, besides text and files. */
export const SAMPLE_EVENT_KINDS = [
  'location',
  'contacts',
  'button_reply',
  'list_reply',
  'order',
  'unsupported',
] as const;

export type SampleEventKind = (typeof SAMPLE_EVENT_KINDS)[number];

/** A plausible customer message of each kind, for trying the inbox without Meta. */
export function sampleEvent(kind: SampleEventKind): InboundEvent {
  switch (kind) {
    case 'location':
      return {
        type: 'location',
        latitude: 12.9716,
        longitude: 77.5946,
        name: 'MG Road Metro',
        address: 'Mahatma Gandhi Rd, Bengaluru',
      };
    case 'contacts':
      return {
        type: 'contacts',
        contacts: [
          { name: 'Ravi Kumar', phone: '+91 98765 00000', waId: '919876500000' },
        ],
      };
    case 'button_reply':
      return { type: 'button_reply', id: 'confirm', title: 'Confirm booking' };
    case 'list_reply':
      return {
        type: 'list_reply',
        id: 'slot-2',
        title: 'Tuesday 10:00',
        description: 'Dr. Mehta, room 4',
      };
    case 'order':
      return {
        type: 'order',
        catalogId: '1234567890',
        text: 'Please deliver in the evening',
        items: [
          { productId: 'SKU-TEA-250', quantity: 2, price: 180, currency: 'INR' },
          { productId: 'SKU-MUG', quantity: 1, price: 350, currency: 'INR' },
        ],
      };
    case 'unsupported':
      return { type: 'unsupported' };
  }
}
