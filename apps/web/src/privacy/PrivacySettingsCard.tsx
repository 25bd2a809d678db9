import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';

type Settings = Outputs['privacy']['settings'];
type MediaKind = Settings['droppedMedia'][number];
const KINDS: MediaKind[] = ['image', 'audio', 'video', 'document', 'sticker'];

/** Reads a person (name, email, phone) from the form; all empty means nobody. */
function personOf(data: FormData, prefix: string) {
  const text = (name: string) => {
    const value = data.get(`${prefix}-${name}`);
    return typeof value === 'string' ? value.trim() : '';
  };
  if (!text('name') && !text('email') && !text('phone')) return null;
  return { name: text('name'), email: text('email'), phone: text('phone') || null };
}

function PersonFields(props: {
  prefix: string;
  title: string;
  person: Settings['privacyContact'];
}) {
  return (
    <fieldset className="row wrap align-end">
      <legend>{props.title}</legend>
      <Field
        label="Name"
        name={`${props.prefix}-name`}
        defaultValue={props.person?.name ?? ''}
      />
      <Field
        label="Email"
        name={`${props.prefix}-email`}
        defaultValue={props.person?.email ?? ''}
        data-testid={`${props.prefix}-email`}
      />
      <Field
        label="Phone"
        name={`${props.prefix}-phone`}
        defaultValue={props.person?.phone ?? ''}
      />
    </fieldset>
  );
}

/** Minimisation switches and the people named for privacy questions. */
export function PrivacySettingsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.privacy.settings.queryOptions());
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.privacy.save.mutationOptions({
      onSuccess: () => setSaved(true),
      onSettled: () =>
        queryClient.invalidateQueries({ queryKey: trpc.privacy.pathKey() }),
    }),
  );
  if (!settings.data) return null;
  const current = settings.data;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const data = new FormData(event.currentTarget);
    save.mutate({
      droppedMedia: KINDS.filter((kind) => data.get(`drop-${kind}`) === 'on'),
      maskCardNumbers: data.get('maskCardNumbers') === 'on',
      maskIdentityNumbers: data.get('maskIdentityNumbers') === 'on',
      dropProfileNames: data.get('dropProfileNames') === 'on',
      privacyContact: personOf(data, 'privacy'),
      grievanceOfficer: personOf(data, 'grievance'),
    });
  }

  const box = (name: string, label: string, checked: boolean) => (
    <label className="row">
      <input type="checkbox" name={name} defaultChecked={checked} data-testid={name} />
      {label}
    </label>
  );
  return (
    <section className="card" data-testid="privacy-settings">
      <h2>Privacy settings</h2>
      <form onSubmit={submit} key={JSON.stringify(current)}>
        <fieldset>
          <legend>Media not kept (never fetched from WhatsApp)</legend>
          {KINDS.map((kind) =>
            box(`drop-${kind}`, kind, current.droppedMedia.includes(kind)),
          )}
        </fieldset>
        <fieldset>
          <legend>Before a message is stored</legend>
          {box('maskCardNumbers', 'Mask card numbers', current.maskCardNumbers)}
          {box(
            'maskIdentityNumbers',
            'Mask identity numbers (Aadhaar, PAN)',
            current.maskIdentityNumbers,
          )}
          {box(
            'dropProfileNames',
            'Drop WhatsApp profile names',
            current.dropProfileNames,
          )}
        </fieldset>
        <PersonFields
          prefix="privacy"
          title="Privacy contact"
          person={current.privacyContact}
        />
        <PersonFields
          prefix="grievance"
          title="Grievance officer"
          person={current.grievanceOfficer}
        />
        <button type="submit" disabled={save.isPending} data-testid="privacy-save">
          Save
        </button>
        {saved && <span className="muted small"> Saved.</span>}
        <ErrorNote error={save.error} />
      </form>
    </section>
  );
}
