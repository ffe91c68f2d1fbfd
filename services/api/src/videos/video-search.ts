// The `q` of the video list, made safe for Postgres's websearch_to_tsquery. That parser turns every `-` into
// a NOT, and NOTs with nothing to negate pile up on its operator stack until it fails ("tsquery stack too
// small", from 33 of them). A `-` only means something before a word or a quoted phrase, so a run of them
// there counts as one and every other dash becomes a space; quotes, `or` and words pass unchanged.

/** Dashes directly before a letter, a digit, or a quote that opens a word: a negation (or `well-known`). */
const MEANINGFUL_DASHES = /-+(?=[\p{L}\p{N}]|"[\p{L}\p{N}])/gu;
/** Stands in for a kept dash while the rest are removed; control characters never reach a search. */
const KEPT_DASH = '\u0001';

/** `q` as websearch_to_tsquery can always parse it; null when nothing searchable is left. */
export function searchQueryText(q: string): string | null {
  const text = q.replaceAll(KEPT_DASH, ' ')
    .replace(MEANINGFUL_DASHES, KEPT_DASH)
    .replaceAll('-', ' ')
    .replaceAll(KEPT_DASH, '-')
    .trim();
  return text === '' ? null : text;
}
