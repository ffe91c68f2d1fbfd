// The usage answer lists only days with money; a chart of a period wants every day of it, up to today.
import type { UsageObject } from '../../api/types.ts';

const DAY_SECONDS = 86_400;

export interface DailySpend {
  date: string;
  settled_micros: number;
  reserved_micros: number;
  videos: number;
}

/** Every UTC day from the period's start to its end or today, whichever is first; days without money are 0. */
export function dailySpendSeries(usage: Pick<UsageObject, 'by_day' | 'start_time' | 'end_time'>, now: number): DailySpend[] {
  const byDate = new Map(usage.by_day.map((day) => [day.date, day]));
  const last = Math.min(usage.end_time - 1, Math.max(now, usage.start_time));
  const series: DailySpend[] = [];
  for (let day = Math.floor(usage.start_time / DAY_SECONDS); day <= Math.floor(last / DAY_SECONDS); day += 1) {
    const date = new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10);
    const known = byDate.get(date);
    series.push({ date, settled_micros: known?.settled_micros ?? 0, reserved_micros: known?.reserved_micros ?? 0, videos: known?.videos ?? 0 });
  }
  return series;
}
