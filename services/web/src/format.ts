// Display formats. Money arrives as integer micro-dollars and is only turned into text here.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });

export function formatMicros(micros: number): string {
  return usd.format(micros / 1_000_000);
}

export function formatUnixSeconds(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The start of a prompt, for a card or a title. */
export function promptPreview(prompt: string | null, max = 80): string {
  if (!prompt) return '(no prompt)';
  return prompt.length > max ? `${prompt.slice(0, max - 1)}…` : prompt;
}
