/**
 * The bridge token reaches the page in its URL (`/?token=…`, the ready line's `ui` address). It is moved into
 * sessionStorage and taken out of the address bar at once, so it does not linger in screenshots, history entries or
 * copied links; a reload of the same tab still finds it.
 */
const STORAGE_KEY = 'dbv.token';

export function takeToken(location: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    storage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(STORAGE_KEY);
}

export function forgetToken(storage: Storage = window.sessionStorage): void {
  storage.removeItem(STORAGE_KEY);
}
