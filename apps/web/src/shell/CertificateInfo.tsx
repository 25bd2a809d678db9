import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';

/**
 * The appliance signs its own certificate. Members compare this fingerprint
 * with the one on the appliance's screen before trusting /ca.crt.
 */
export function CertificateInfo() {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions());
  const [open, setOpen] = useState(false);

  return (
    <div className="popover-anchor">
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        aria-controls="certificate-info"
        onClick={() => setOpen(!open)}
        data-testid="certificate-button"
      >
        Certificate
      </button>
      {open && (
        <div
          id="certificate-info"
          className="popover card"
          role="dialog"
          aria-label="Certificate"
        >
          <p className="small">
            This appliance uses its own certificate authority. Install it on office
            devices, after checking that its SHA-256 fingerprint matches the one shown on
            the appliance.
          </p>
          <p className="small muted">CA fingerprint (SHA-256)</p>
          <code className="fingerprint" data-testid="ca-fingerprint">
            {info.data?.caFingerprint256 ?? '…'}
          </code>
          <p className="small">
            <a href="/ca.crt" download>
              Download the CA certificate (ca.crt)
            </a>
          </p>
          <p className="small muted">Version {info.data?.version ?? '…'}</p>
        </div>
      )}
    </div>
  );
}
