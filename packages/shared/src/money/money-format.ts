// Micro-dollars as people read them, for messages: "$10.00", or every digit when there are fractions of a cent.

const MICROS_PER_DOLLAR = 1_000_000;

/** 10_000_000 → "$10.00"; 1_234_567 → "$1.234567"; -500_000 → "-$0.50". Integer arithmetic only. */
export function formatUsd(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const dollars = Math.floor(abs / MICROS_PER_DOLLAR);
  const fraction = String(abs % MICROS_PER_DOLLAR).padStart(6, '0').replace(/0{1,4}$/, '');
  return `${sign}$${dollars}.${fraction.padEnd(2, '0')}`;
}
