import { useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

// A 24×24 checked PNG, so a new user can try media without a file at hand.
const SAMPLE_PHOTO_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAN0lEQVR4nGP4esgJjlSTX8MRqeIM' +
  'w9ggSjQjiw9ngwZfrA0+gwZfrA0+gwZfrA0+gwZfrA06gwD5DNmuk9CiDgAAAABJRU5ErkJggg==';

/** The /trpc body cap leaves room for files up to about this size. */
const MAX_FILE_BYTES = 180_000;

export interface CustomerIdentity {
  numberId: string;
  from: string;
  profileName: string;
}

/**
 * Sends a photo or a document as the customer: the built-in sample photo,
 * or a file of the member's choosing. It arrives through the signed webhook
 * and is fetched from the simulator like a real customer's file.
 */
export function CustomerMediaForm({ customer }: { customer: CustomerIdentity | null }) {
  const trpc = useTRPC();
  const fileId = useId();
  const [caption, setCaption] = useState('');
  const [tooBig, setTooBig] = useState<string | null>(null);
  const send = useMutation(
    trpc.simulator.customerMedia.mutationOptions({ onSuccess: () => setCaption('') }),
  );
  const withCaption = caption.trim() ? { caption: caption.trim() } : {};

  async function sendFile(file: File) {
    setTooBig(null);
    if (!customer) return;
    if (file.size > MAX_FILE_BYTES) {
      setTooBig(`${file.name} is over 180 KB; the simulator sends files up to 180 KB`);
      return;
    }
    const image = file.type.startsWith('image/');
    send.mutate({
      ...customer,
      ...withCaption,
      kind: image ? 'image' : 'document',
      mimeType: file.type || 'application/octet-stream',
      filename: file.name,
      base64: toBase64(new Uint8Array(await file.arrayBuffer())),
    });
  }

  return (
    <div className="stack" data-testid="sim-media">
      <label className="field">
        <span>Caption (optional)</span>
        <input
          value={caption}
          onChange={(e) => setCaption(e.target.value)}
          maxLength={1024}
          data-testid="sim-caption"
        />
      </label>
      <div className="row wrap align-end">
        <button
          type="button"
          disabled={!customer || send.isPending}
          data-testid="sim-send-photo"
          onClick={() =>
            customer &&
            send.mutate({
              ...customer,
              ...withCaption,
              kind: 'image',
              mimeType: 'image/png',
              base64: SAMPLE_PHOTO_BASE64,
            })
          }
        >
          Send a sample photo
        </button>
        <label className="field" htmlFor={fileId}>
          <span>Or send a file (photo or document)</span>
          <input
            id={fileId}
            type="file"
            disabled={!customer || send.isPending}
            data-testid="sim-file"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file) void sendFile(file);
            }}
          />
        </label>
      </div>
      {tooBig && (
        <p role="alert" className="error">
          {tooBig}
        </p>
      )}
      <ErrorNote error={send.error} testId="sim-media-error" />
      {send.isSuccess && !send.isPending && (
        <p className="small muted" role="status">
          File sent as the customer. It is fetched and stored like a real one.
        </p>
      )}
    </div>
  );
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
