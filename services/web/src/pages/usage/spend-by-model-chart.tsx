// Spend by model, settled and reserved stacked in one bar per model, with its figures as a table.
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageObject } from '../../api/types.ts';
import { formatMicros } from '../../format.ts';
import { axisMoney, ChartFigure, ChartTable, MoneyTooltip, SERIES } from './chart-parts.tsx';

export function SpendByModelChart({ models }: { models: UsageObject['by_model'] }) {
  const ranked = [...models].sort((a, b) => b.settled_micros + b.reserved_micros - (a.settled_micros + a.reserved_micros));
  const top = ranked[0];
  const summary = top
    ? `${ranked.length} ${ranked.length === 1 ? 'model' : 'models'}; the most on ${top.model}: ${formatMicros(top.settled_micros + top.reserved_micros)}.`
    : 'No model has spend in this period.';
  return (
    <ChartFigure title="Spend by model" summary={summary}>
      <div aria-hidden="true" className="text-zinc-600 dark:text-zinc-400">
        <BarChart
          responsive
          accessibilityLayer={false}
          layout="vertical"
          data={ranked}
          style={{ width: '100%', height: Math.max(120, ranked.length * 44 + 40) }}
          margin={{ top: 4, right: 12, bottom: 0, left: 0 }}
        >
          <CartesianGrid horizontal={false} stroke="currentColor" strokeOpacity={0.15} />
          <XAxis type="number" tickFormatter={axisMoney} tick={{ fill: 'currentColor', fontSize: 12 }} stroke="currentColor" strokeOpacity={0.3} />
          <YAxis type="category" dataKey="model" width={110} tick={{ fill: 'currentColor', fontSize: 12 }} stroke="currentColor" strokeOpacity={0.3} />
          <Tooltip content={MoneyTooltip} cursor={{ fill: 'currentColor', fillOpacity: 0.08 }} />
          <Bar dataKey={SERIES.settled.key} name={SERIES.settled.label} stackId="spend" fill={SERIES.settled.color} />
          <Bar dataKey={SERIES.reserved.key} name={SERIES.reserved.label} stackId="spend" fill={SERIES.reserved.color} radius={[0, 3, 3, 0]} />
        </BarChart>
      </div>
      <ChartTable caption="Spend by model" firstColumn="Model" rows={ranked.map((row) => ({ ...row, label: row.model }))} />
    </ChartFigure>
  );
}
