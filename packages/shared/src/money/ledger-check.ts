// The proof that money reconciles, for tests and the admin endpoint. For every video: it has a reserve of
// its estimate; an unfinished one has not been settled or released; a finished one has reserve = settle +
// release (release = reserve − settle, and 0 when the provider delivered more than was reserved); a completed
// one settled its actual cost. For every budget period: reserved = the holds of videos not yet settled or
// released, and spent = what the videos it held were settled at.
import { sql } from 'kysely';
import type { Db } from '../db/connection.ts';
import { unfinishedStatusSql } from '../videos/video-lifecycle.ts';

export type LedgerMismatchKind =
  | 'missing_reserve'
  | 'reserve_differs_from_estimate'
  | 'closed_while_unfinished'
  | 'unbalanced_finished_video'
  | 'settle_differs_from_actual_cost'
  | 'budget_reserved_differs_from_open_holds'
  | 'budget_spent_differs_from_settled_holds';

export interface LedgerMismatch {
  kind: LedgerMismatchKind;
  videoId: string | null;
  budgetId: string | null;
  periodStart: Date | null;
  /** The figures compared, by name. */
  figures: Record<string, number | string | null>;
}

export interface LedgerCheck {
  ok: boolean;
  videosChecked: number;
  budgetPeriodsChecked: number;
  mismatches: LedgerMismatch[];
}

/** Each video's entries as one row: the amount of each kind, null when it has none. */
function videoMoney(db: Db) {
  return db.selectFrom('ledgerEntries')
    .select((eb) => [
      'videoId',
      eb.fn.max('amountMicros').filterWhere('kind', '=', 'reserve').as('reserveMicros'),
      eb.fn.max('amountMicros').filterWhere('kind', '=', 'settle').as('settleMicros'),
      eb.fn.max('amountMicros').filterWhere('kind', '=', 'release').as('releaseMicros'),
    ])
    .groupBy('videoId');
}

async function checkVideos(db: Db): Promise<{ checked: number; mismatches: LedgerMismatch[] }> {
  const [m, v] = [(column: string) => sql.ref(`m.${column}`), (column: string) => sql.ref(`v.${column}`)];
  const problem = sql<LedgerMismatchKind | null>`case
    when ${m('reserveMicros')} is null then 'missing_reserve'
    when ${m('reserveMicros')} <> ${v('estimatedCostMicros')} then 'reserve_differs_from_estimate'
    when ${unfinishedStatusSql('v.status')} then
      case when ${m('settleMicros')} is not null or ${m('releaseMicros')} is not null then 'closed_while_unfinished' end
    when coalesce(${m('releaseMicros')}, 0) <> greatest(0, ${m('reserveMicros')} - coalesce(${m('settleMicros')}, 0))
      or (${m('settleMicros')} is null and ${m('releaseMicros')} is null and ${m('reserveMicros')} > 0) then 'unbalanced_finished_video'
    when ${v('status')} = 'completed' and ${m('settleMicros')} is distinct from ${v('actualCostMicros')} then 'settle_differs_from_actual_cost'
  end`;
  const [rows, count] = await Promise.all([
    db.with('m', () => videoMoney(db))
      .selectFrom((eb) => eb.selectFrom('videos as v')
        .leftJoin('m', 'm.videoId', 'v.id')
        .select(['v.id', 'v.status', 'v.estimatedCostMicros', 'v.actualCostMicros', 'm.reserveMicros', 'm.settleMicros', 'm.releaseMicros', problem.as('problem')])
        .as('checked'))
      .selectAll()
      .where('problem', 'is not', null)
      .orderBy('id')
      .execute(),
    db.selectFrom('videos').select((eb) => eb.fn.countAll<number>().as('videos')).executeTakeFirstOrThrow(),
  ]);
  const mismatches = rows.map((row): LedgerMismatch => ({
    kind: row.problem!,
    videoId: row.id,
    budgetId: null,
    periodStart: null,
    figures: {
      status: row.status, estimatedCostMicros: row.estimatedCostMicros, actualCostMicros: row.actualCostMicros,
      reserveMicros: row.reserveMicros, settleMicros: row.settleMicros, releaseMicros: row.releaseMicros,
    },
  }));
  return { checked: count.videos, mismatches };
}

async function checkBudgets(db: Db): Promise<{ checked: number; mismatches: LedgerMismatch[] }> {
  const open = sql<boolean>`${sql.ref('m.settleMicros')} is null and ${sql.ref('m.releaseMicros')} is null`;
  const openHolds = sql<number>`coalesce(sum(${sql.ref('h.amountMicros')}) filter (where ${open}), 0)::bigint`;
  const settledHolds = sql<number>`coalesce(sum(${sql.ref('m.settleMicros')}), 0)::bigint`;
  const [rows, count] = await Promise.all([
    db.with('m', () => videoMoney(db))
      .selectFrom('budgetUsage as u')
      .leftJoin('budgetHolds as h', (join) => join.onRef('h.budgetId', '=', 'u.budgetId').onRef('h.periodStart', '=', 'u.periodStart'))
      .leftJoin('m', 'm.videoId', 'h.videoId')
      .select(['u.budgetId', 'u.periodStart', 'u.reservedMicros', 'u.spentMicros', openHolds.as('openHoldsMicros'), settledHolds.as('settledHoldsMicros')])
      .groupBy(['u.budgetId', 'u.periodStart', 'u.reservedMicros', 'u.spentMicros'])
      .having((eb) => eb.or([eb('u.reservedMicros', '<>', openHolds), eb('u.spentMicros', '<>', settledHolds)]))
      .orderBy('u.budgetId')
      .execute(),
    db.selectFrom('budgetUsage').select((eb) => eb.fn.countAll<number>().as('periods')).executeTakeFirstOrThrow(),
  ]);
  const mismatches: LedgerMismatch[] = [];
  for (const row of rows) {
    const figures = { reservedMicros: row.reservedMicros, openHoldsMicros: row.openHoldsMicros, spentMicros: row.spentMicros, settledHoldsMicros: row.settledHoldsMicros };
    const at = { videoId: null, budgetId: row.budgetId, periodStart: row.periodStart, figures };
    if (row.reservedMicros !== row.openHoldsMicros) mismatches.push({ kind: 'budget_reserved_differs_from_open_holds', ...at });
    if (row.spentMicros !== row.settledHoldsMicros) mismatches.push({ kind: 'budget_spent_differs_from_settled_holds', ...at });
  }
  return { checked: count.periods, mismatches };
}

export async function checkLedger(db: Db): Promise<LedgerCheck> {
  const [videos, budgets] = await Promise.all([checkVideos(db), checkBudgets(db)]);
  const mismatches = [...videos.mismatches, ...budgets.mismatches];
  return { ok: mismatches.length === 0, videosChecked: videos.checked, budgetPeriodsChecked: budgets.checked, mismatches };
}
