// What both usage charts share: the two series' colours, money on an axis, a tooltip styled for light and dark,
// and the data table that is every chart's text alternative.
import type { ReactNode } from 'react';
import type { TooltipContentProps } from 'recharts';
import { formatMicros } from '../../format.ts';

export const SERIES = {
  settled: { key: 'settled_micros', label: 'Settled', color: '#059669' },
  reserved: { key: 'reserved_micros', label: 'Reserved', color: '#f59e0b' },
} as const;

/**
 * An axis tick: whole dollars when the tick is one, else cents, since a small month's ticks ($0.30, $0.60…)
 * rounded to dollars would read $0, $1, $1 and put the top of the scale below the tallest bar.
 */
export function axisMoney(micros: number): string {
  const dollars = micros / 1_000_000;
  const cents = Number.isInteger(dollars) ? 0 : 2;
  return `$${dollars.toLocaleString('en-US', { minimumFractionDigits: cents, maximumFractionDigits: cents })}`;
}

export function MoneyTooltip({ active, payload, label }: Partial<TooltipContentProps>) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-3 py-2 text-xs shadow dark:border-zinc-700 dark:bg-zinc-900">
      <p className="font-medium">{label}</p>
      {payload.map((entry) => (
        <p key={String(entry.dataKey)} className="tabular-nums">
          <span aria-hidden="true" className="mr-1 inline-block size-2 rounded-sm" style={{ backgroundColor: entry.color }} />
          {entry.name}: {formatMicros(Number(entry.value ?? 0))}
        </p>
      ))}
    </div>
  );
}

export function ChartLegend() {
  return (
    <ul className="flex gap-4 text-xs text-zinc-600 dark:text-zinc-400" aria-hidden="true">
      {Object.values(SERIES).map((series) => (
        <li key={series.key} className="flex items-center gap-1">
          <span className="inline-block size-2.5 rounded-sm" style={{ backgroundColor: series.color }} />
          {series.label}
        </li>
      ))}
    </ul>
  );
}

export interface ChartRow {
  label: string;
  settled_micros: number;
  reserved_micros: number;
  videos: number;
}

/** The chart's figures as a table, behind a disclosure: screen readers and keyboard users get every number. */
export function ChartTable({ caption, firstColumn, rows }: { caption: string; firstColumn: string; rows: ChartRow[] }) {
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer text-emerald-700 dark:text-emerald-400">Show the figures as a table</summary>
      <div className="mt-2 max-h-80 overflow-auto">
        <table className="w-full text-left tabular-nums">
          <caption className="sr-only">{caption}</caption>
          <thead className="text-xs text-zinc-600 dark:text-zinc-400">
            <tr><th scope="col">{firstColumn}</th><th scope="col">Settled</th><th scope="col">Reserved</th><th scope="col">Videos</th></tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label} className="border-t border-zinc-100 dark:border-zinc-800">
                <th scope="row" className="py-1 font-normal">{row.label}</th>
                <td>{formatMicros(row.settled_micros)}</td>
                <td>{formatMicros(row.reserved_micros)}</td>
                <td>{row.videos}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

export function ChartFigure({ title, summary, children }: { title: string; summary: string; children: ReactNode }) {
  return (
    <figure className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{title}</h2>
        <ChartLegend />
      </div>
      <figcaption className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">{summary}</figcaption>
      {children}
    </figure>
  );
}
