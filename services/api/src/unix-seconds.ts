/** Unix seconds, as the API speaks time (OpenAI's `created_at`, `completed_at`, …). */
export function unixSeconds(date: Date): number;
export function unixSeconds(date: Date | null): number | null;
export function unixSeconds(date: Date | null): number | null {
  return date === null ? null : Math.floor(date.getTime() / 1000);
}
