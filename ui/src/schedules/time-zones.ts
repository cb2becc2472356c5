/** The IANA time zones the browser knows, for the schedule editor's select; the local zone is the default. */

export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function timeZones(): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...known, 'UTC', localTimeZone()])].sort((a, b) => a.localeCompare(b));
}
