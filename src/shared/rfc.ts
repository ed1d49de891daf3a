/** The rfc-editor.org address of a reference: "RFC 9810 §5.1.1" → …/rfc9810.html#section-5.1.1. */
export function rfcLink(ref: string): string | undefined {
  const m = /^RFC (\d+)(?: (§|App\. )([\w.]+))?/.exec(ref);
  if (!m) return undefined;
  const base = `https://www.rfc-editor.org/rfc/rfc${m[1]}.html`;
  if (!m[3]) return base;
  return `${base}#${m[2] === '§' ? 'section' : 'appendix'}-${m[3].replace(/\.$/, '')}`;
}
