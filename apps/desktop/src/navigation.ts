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
