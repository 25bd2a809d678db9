/** Shown in the UI and /healthz; bumped with each release. */
export const APP_VERSION = '0.1.0';
