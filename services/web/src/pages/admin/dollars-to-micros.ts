// Dollars typed by an admin ↔ integer micro-dollars, by string arithmetic: "1.015" must be exactly 1015000,
// which float multiplication does not promise (1.015 * 1e6 is 1014999.9999999999).

const DOLLARS = /^(\d{1,13})(?:\.(\d{0,6}))?$/;

/** "12.5" → 12_500_000; null for anything that is not a non-negative amount with at most 6 decimals. */
export function dollarsToMicros(input: string): number | null {
  const cleaned = input.trim().replace(/^\$/, '').replaceAll(',', '');
  const match = DOLLARS.exec(cleaned.startsWith('.') ? `0${cleaned}` : cleaned);
  if (!match) return null;
  const [, whole = '0', fraction = ''] = match;
  const micros = BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
  return micros > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(micros);
}

/** 12_500_000 → "12.5": what a dollars field shows for a stored limit, with no trailing zeros. */
export function microsToDollars(micros: number): string {
  const whole = Math.trunc(micros / 1_000_000);
  const fraction = String(micros % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}
