import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { MediaKindName } from './media.ts';

/** Someone people write to about their data. */
export interface PrivacyPerson {
  name: string;
  email: string;
  phone: string | null;
}

/** What a workspace keeps, masks and drops, and whom it names. */
export interface PrivacySettings {
  droppedMedia: MediaKindName[];
  maskCardNumbers: boolean;
  maskIdentityNumbers: boolean;
  dropProfileNames: boolean;
  privacyContact: PrivacyPerson | null;
  grievanceOfficer: PrivacyPerson | null;
}

/** A workspace that never saved its settings keeps everything, names nobody. */
export const DEFAULT_PRIVACY_SETTINGS: PrivacySettings = {
  droppedMedia: [],
  maskCardNumbers: false,
  maskIdentityNumbers: false,
  dropProfileNames: false,
  privacyContact: null,
  grievanceOfficer: null,
};

interface Row {
  dropped_media: string;
  mask_card_numbers: number;
  mask_identity_numbers: number;
  drop_profile_names: number;
  privacy_contact: string | null;
  grievance_officer: string | null;
}

/** The workspace's privacy settings (minimisation switches and contacts). */
export class PrivacySettingsRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  get(): PrivacySettings {
    const row = this.store
      .statement(
        `SELECT dropped_media, mask_card_numbers, mask_identity_numbers,
           drop_profile_names, privacy_contact, grievance_officer
         FROM privacy_settings WHERE workspace_id = ?`,
      )
      .get(this.scope.workspaceId) as Row | undefined;
    if (!row) return DEFAULT_PRIVACY_SETTINGS;
    return {
      droppedMedia: JSON.parse(row.dropped_media) as MediaKindName[],
      maskCardNumbers: row.mask_card_numbers === 1,
      maskIdentityNumbers: row.mask_identity_numbers === 1,
      dropProfileNames: row.drop_profile_names === 1,
      privacyContact: parsePerson(row.privacy_contact),
      grievanceOfficer: parsePerson(row.grievance_officer),
    };
  }

  save(settings: PrivacySettings): void {
    const changed = this.store
      .statement(
        `INSERT INTO privacy_settings (workspace_id, dropped_media, mask_card_numbers,
           mask_identity_numbers, drop_profile_names, privacy_contact, grievance_officer,
           updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id) DO UPDATE SET
           dropped_media = excluded.dropped_media,
           mask_card_numbers = excluded.mask_card_numbers,
           mask_identity_numbers = excluded.mask_identity_numbers,
           drop_profile_names = excluded.drop_profile_names,
           privacy_contact = excluded.privacy_contact,
           grievance_officer = excluded.grievance_officer,
           updated_at = excluded.updated_at`,
      )
      .run(
        this.scope.workspaceId,
        JSON.stringify(settings.droppedMedia),
        settings.maskCardNumbers ? 1 : 0,
        settings.maskIdentityNumbers ? 1 : 0,
        settings.dropProfileNames ? 1 : 0,
        settings.privacyContact ? JSON.stringify(settings.privacyContact) : null,
        settings.grievanceOfficer ? JSON.stringify(settings.grievanceOfficer) : null,
        this.store.clock.now(),
      );
    if (changed.changes !== 1) throw new Error('The privacy settings were not saved');
  }
}

function parsePerson(json: string | null): PrivacyPerson | null {
  return json === null ? null : (JSON.parse(json) as PrivacyPerson);
}
