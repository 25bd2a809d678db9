/** Recovery codes, shown once: each opens one sign-in when the phone is not at hand. */
export function RecoveryCodes({
  codes,
  onDone,
}: {
  codes: string[];
  onDone: () => void;
}) {
  return (
    <div className="stack">
      <p role="status">
        Two-factor sign-in is on. Keep these recovery codes somewhere safe, away from your
        phone: each works once if you cannot use the app. They are not shown again.
      </p>
      <ol className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div>
        <button type="button" onClick={onDone}>
          I have saved them
        </button>
      </div>
    </div>
  );
}
