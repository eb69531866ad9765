/**
 * A return URL is accepted only if it is a plain path on this site: `/…`, not `//host`, not `/\host`,
 * no scheme, no control characters. Anything else falls back, so redirects can never leave the site.
 */
export function safeReturnPath(candidate: unknown, fallback = '/'): string {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 2048) return fallback;
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return fallback;
  try {
    const url = new URL(candidate, 'http://smartgov.invalid');
    if (url.origin !== 'http://smartgov.invalid') return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
