import type { Me } from '../api.ts';
import { can } from '../permissions.ts';
import { ConsentRegisterCard } from './ConsentRegisterCard.tsx';
import { DisclosureCard } from './DisclosureWarning.tsx';
import { PrivacySettingsCard } from './PrivacySettingsCard.tsx';
import { ProcessingRecordCard } from './ProcessingRecordCard.tsx';

/** The workspace's privacy page: consent register, settings, record of processing. */
export function PrivacyScreen({ me }: { me: Me }) {
  return (
    <>
      <section className="card">
        <h1>Privacy</h1>
        <p className="muted small">
          Who agreed to what, what this workspace keeps, and the record of processing it
          shows an authority. See also the <a href="/disclosure">disclosure policy</a>.
        </p>
      </section>
      <DisclosureCard me={me} />
      {can(me, 'consent.read') && <ConsentRegisterCard me={me} />}
      {can(me, 'privacy.manage') && <PrivacySettingsCard />}
      {can(me, 'privacy.manage') && <ProcessingRecordCard />}
    </>
  );
}
