/**
 * The URL as a check may show it: credentials replaced by `***`, every query value replaced by
 * `***` (tokens and signatures often travel there, under any name), no fragment.
 *
 * @example
 * safeUrl(new URL('https://u:p@api.example.com/health?token=abc')); // 'https://***@api.example.com/health?token=***'
 */
export function safeUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.username !== '' || copy.password !== '') {
    copy.username = '***';
    copy.password = '';
  }
  copy.hash = '';
  if (copy.search !== '') {
    const keys = [...new Set(copy.searchParams.keys())];
    copy.search = keys.map((k) => `${encodeURIComponent(k)}=***`).join('&');
  }
  return copy.href;
}
