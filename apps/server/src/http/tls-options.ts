/**
 * TLS settings of the appliance's HTTPS server: TLS 1.2 at least, and for
 * TLS 1.2 only forward-secret AEAD suites (TLS 1.3 suites are all fine).
 * A module of its own, importing nothing, so the benchmark's bare server
 * runs with exactly the same settings and none of the appliance's code.
 */
export const TLS_SERVER_OPTIONS = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  honorCipherOrder: true,
} as const;
