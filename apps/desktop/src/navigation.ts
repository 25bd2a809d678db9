// Where the admin window may go, and what it may ask for. GitHub Desktop's
// same-origin filter and Electron's security checklist
// (https://www.electronjs.org/docs/latest/tutorial/security) are the model.

/** The admin window stays on the appliance's origin; anything else opens outside. */
export function isApplianceUrl(target: string, applianceOrigin: string): boolean {
  try {
    return new URL(target).origin === applianceOrigin;
  } catch {
    return false;
  }
}

/** Links the system browser may open: web pages only, never file: or custom schemes. */
export function isExternalWebUrl(target: string): boolean {
  try {
    const { protocol } = new URL(target);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** `will-navigate` and `will-redirect`: true means the shell cancels it. */
export function blocksNavigation(target: string, applianceOrigin: string): boolean {
  return !isApplianceUrl(target, applianceOrigin);
}

/**
 * `setWindowOpenHandler`: no new Electron window ever opens. A link to the
 * appliance itself (a download such as /ca.crt) or to the web goes to the
 * system browser; anything else (file:, javascript:, custom schemes) nowhere.
 */
export function windowOpenVerdict(
  target: string,
  applianceOrigin: string,
): { action: 'deny'; openExternally: string | null } {
  const external = isExternalWebUrl(target) || isApplianceUrl(target, applianceOrigin);
  return { action: 'deny', openExternally: external ? target : null };
}

/**
 * Permission requests (camera, geolocation, notifications…): the admin UI
 * needs none but clipboard writes (copying a fingerprint or an invite link),
 * and only from the appliance itself.
 */
export function allowsPermission(
  permission: string,
  requestingUrl: string,
  applianceOrigin: string,
): boolean {
  return (
    permission === 'clipboard-sanitized-write' &&
    isApplianceUrl(requestingUrl, applianceOrigin)
  );
}

/**
 * The local wizard page has no links and loads nothing but itself: every
 * navigation and redirect is cancelled, whatever the target, even its own
 * file (a file: page could otherwise be swapped for another local file).
 */
export function wizardBlocksNavigation(target: string): boolean {
  void target;
  return true;
}

/** The wizard opens no window, not even one in the system browser. */
export function wizardWindowOpenVerdict(): { action: 'deny'; openExternally: null } {
  return { action: 'deny', openExternally: null };
}
