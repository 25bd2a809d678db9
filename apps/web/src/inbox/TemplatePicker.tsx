import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { can } from '../permissions.ts';

type TemplateOption = Outputs['templates']['forConversation'][number];

/**
 * Sends an approved template with its variables filled. Outside the
 * 24-hour window it is the only way to write; inside it, one choice among
 * two. Templates the server would refuse (not approved, marketing to a
 * customer who opted out) are listed with the reason, and the server checks
 * again when it sends.
 */
export function TemplatePicker(props: {
  conversationId: string;
  me: Me;
  windowOpen: boolean;
}) {
  const { conversationId } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const query = useQuery(trpc.templates.forConversation.queryOptions({ conversationId }));
  const [templateId, setTemplateId] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.templates.pathKey() });
  };
  const send = useMutation(
    trpc.templates.send.mutationOptions({
      onSuccess: () => {
        setValues({});
        refresh();
      },
      onError: refresh,
    }),
  );
  const sync = useMutation(trpc.templates.sync.mutationOptions({ onSuccess: refresh }));

  const templates = query.data ?? [];
  const chosen = templates.find((t) => t.id === templateId);
  const canSync = can(props.me, 'whatsapp.manage');

  return (
    <form
      className="reply-box template-picker"
      data-testid="template-picker"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen)
          send.mutate({ conversationId, templateId: chosen.id, parameters: values });
      }}
    >
      {!props.windowOpen && (
        <p className="muted small" data-testid="template-hint">
          The customer last wrote more than 24 hours ago: only an approved template can be
          sent until they write again.
        </p>
      )}
      <label htmlFor={id}>Template</label>
      <select
        id={id}
        value={templateId}
        onChange={(event) => {
          setTemplateId(event.target.value);
          setValues({});
          send.reset();
        }}
        data-testid="template-select"
      >
        <option value="">
          {templates.length === 0 ? 'No templates yet' : 'Choose a template…'}
        </option>
        {templates.map((t) => (
          <option key={t.id} value={t.id}>
            {optionLabel(t)}
          </option>
        ))}
      </select>
      {chosen && (
        <TemplateFields template={chosen} values={values} onChange={setValues} />
      )}
      {chosen?.refusal && (
        <p className="note" data-testid="template-refusal">
          {chosen.refusal.message}
        </p>
      )}
      <ErrorNote
        error={send.error ?? sync.error ?? query.error}
        testId="template-error"
      />
      <div className="reply-actions">
        {canSync && (
          <button
            type="button"
            onClick={() => sync.mutate()}
            disabled={sync.isPending}
            data-testid="template-sync"
          >
            {sync.isPending ? 'Syncing…' : 'Sync templates'}
          </button>
        )}
        <button
          type="submit"
          className="primary"
          disabled={!chosen || send.isPending}
          data-testid="template-send"
        >
          {send.isPending ? 'Sending…' : 'Send template'}
        </button>
      </div>
    </form>
  );
}

function optionLabel(t: TemplateOption): string {
  const kind = t.category.toLowerCase();
  const state = t.status === 'APPROVED' ? '' : `, ${t.status.toLowerCase()}`;
  const refused =
    t.refusal?.reason === 'contact_opted_out_marketing' ? ' — opted out' : '';
  return `${t.name} (${t.language}, ${kind}${state})${refused}`;
}

function TemplateFields(props: {
  template: TemplateOption;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
}) {
  const { template, values } = props;
  return (
    <div className="stack">
      <p className="template-preview" data-testid="template-preview">
        {template.preview}
      </p>
      {template.variables.map((v) => (
        <label key={v.key} className="field">
          <span>
            {v.place} {`{{${v.name}}}`}
          </span>
          <input
            value={values[v.key] ?? ''}
            placeholder={v.example ?? ''}
            maxLength={1024}
            onChange={(event) =>
              props.onChange({ ...values, [v.key]: event.target.value })
            }
            data-testid={`template-var-${v.key}`}
          />
        </label>
      ))}
    </div>
  );
}
