import type { Outputs } from '../api.ts';

type Category = Outputs['retention']['overview']['rules'][number]['category'];

/** Each data category a rule can cover, in the words the page uses. */
export const CATEGORY_LABELS: Record<Category, string> = {
  conversations: 'Conversations (by last message)',
  media: 'Media files (the message stays)',
  inactive_contacts: 'Contacts inactive (all their data)',
  audit_log: 'Audit log (logs of processing)',
  security_log: 'Security logs (sign-ins, refusals, access log)',
};
