/**
 * Hides the login of URLs in text meant for people: a feed URL may carry one (`https://user:secret@host/`),
 * and errors about it reach logs and `/sources`, which anyone in a subscribed chat can read.
 */

// The userinfo of an authority: after `//`, up to the last `@` before the path, query or fragment (a password
// may hold an `@` of its own).
const USERINFO_RE = /(\/\/)[^/?#\s]*@/g;

/** `text` with every URL login replaced by `***` (`https://***@host/feed`). */
export function redactUrl(text: string): string {
  return text.replace(USERINFO_RE, '$1***@');
}
