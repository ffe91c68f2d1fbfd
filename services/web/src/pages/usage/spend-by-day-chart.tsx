// Spend by UTC day, settled and reserved stacked, with a summary and a table as its text alternative.
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMicros } from '../../format.ts';
import { axisMoney, ChartFigure, ChartTable, MoneyTooltip, SERIES } from './chart-parts.tsx';
import type { DailySpend } from './usage-series.ts';

function summaryOf(days: DailySpend[]): string {
  const spent = days.filter((day) => day.settled_micros + day.reserved_micros > 0);
  if (spent.length === 0) return `No spend on any of these ${days.length} days.`;
  const top = spent.reduce((best, day) => (day.settled_micros + day.reserved_micros > best.settled_micros + best.reserved_micros ? day : best));
  return `Spend on ${spent.length} of ${days.length} days; the most on ${top.date}: ${formatMicros(top.settled_micros + top.reserved_micros)}.`;
}

const MAX_BAR_PX = 48;

export function SpendByDayChart({ days }: { days: DailySpend[] }) {
  return (
    <ChartFigure title="Spend by day" summary={summaryOf(days)}>
      {/* The chart is for the eye; the caption and the table say the same to a screen reader. */}
      <div aria-hidden="true" className="text-zinc-600 dark:text-zinc-400">
        <BarChart responsive accessibilityLayer={false} data={days} style={{ width: '100%', height: 260 }} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
          <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.15} />
          <XAxis dataKey="date" tickFormatter={(date: string) => date.slice(8)} tick={{ fill: 'currentColor', fontSize: 12 }} stroke="currentColor" strokeOpacity={0.3} />
          <YAxis tickFormatter={axisMoney} tick={{ fill: 'currentColor', fontSize: 12 }} stroke="currentColor" strokeOpacity={0.3} width={56} />
          <Tooltip content={MoneyTooltip} cursor={{ fill: 'currentColor', fillOpacity: 0.08 }} />
          {/* Early in a month there are few days: capped bars, not one slab across the chart. */}
          <Bar dataKey={SERIES.settled.key} name={SERIES.settled.label} stackId="spend" fill={SERIES.settled.color} maxBarSize={MAX_BAR_PX} />
          <Bar dataKey={SERIES.reserved.key} name={SERIES.reserved.label} stackId="spend" fill={SERIES.reserved.color} radius={[3, 3, 0, 0]} maxBarSize={MAX_BAR_PX} />
        </BarChart>
      </div>
      <ChartTable caption="Spend by day" firstColumn="Day" rows={days.map((day) => ({ ...day, label: day.date }))} />
    </ChartFigure>
  );
}
