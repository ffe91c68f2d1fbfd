import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UsageObject } from '../src/api/types.ts';
import { fakeApi, renderApp } from './support/render-app.tsx';
import { budgetOf, usageOf } from './support/usage-fixtures.ts';

const spend = (date: string, settled: number, reserved = 0) => ({ date, settled_micros: settled, reserved_micros: reserved, videos: 1 });

/** Dec 4–10 at $3 a day (settled + reserved): the 7-day rate the forecast takes on Dec 10. */
const WEEK_AT_3_DOLLARS = ['04', '05', '06', '07', '08', '09', '10'].map((day) => spend(`2026-12-${day}`, 2_000_000, 1_000_000));

function usageRoute(answer: (query: URLSearchParams) => UsageObject | { status: number; body: unknown }) {
  return fakeApi({
    'GET /v1/usage': (request) => {
      const result = answer(request.url.searchParams);
      return 'status' in result ? result : { body: result };
    },
  });
}

describe('usage page', () => {
  beforeEach(() => {
    // Only Date is faked: the forecast's "now" is Dec 10, 12:00 UTC; timers stay real for Testing Library.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.UTC(2026, 11, 10, 12)));
  });
  afterEach(() => vi.useRealTimers());

  it('shows the month\'s totals, what is left of each budget and when the monthly budget runs out', async () => {
    const api = usageRoute(() => usageOf({
      settled_micros: 14_000_000,
      reserved_micros: 7_000_000,
      videos: 9,
      by_day: WEEK_AT_3_DOLLARS,
      by_model: [{ model: 'sora-2', settled_micros: 10_000_000, reserved_micros: 7_000_000, videos: 7 }, { model: 'sora-2-pro', settled_micros: 4_000_000, reserved_micros: 0, videos: 2 }],
      budgets: [budgetOf({ limit_micros: 51_000_000, spent_micros: 14_000_000, reserved_micros: 7_000_000, remaining_micros: 30_000_000 })],
    }));
    await renderApp('/usage');
    expect(await screen.findByRole('heading', { name: 'Usage', level: 1 })).toBeTruthy();
    const totals = await screen.findByRole('region', { name: 'Totals' });
    const card = (label: string) => within(totals).getByText(label).nextElementSibling?.textContent;
    expect(card('Settled')).toBe('$14.00');
    expect(card('Reserved')).toBe('$7.00');
    expect(card('Videos')).toBe('9');
    expect(card('Monthly budget left')).toBe('$30.00');

    const forecast = screen.getByRole('region', { name: 'Forecast' });
    expect(forecast.textContent).toContain('At $3.00 a day, the monthly budget runs out around');
    expect(within(forecast).getByText((_, element) => element?.tagName === 'TIME').getAttribute('datetime')).toBe('2026-12-20');
    expect(screen.getByRole('meter', { name: 'Monthly budget used' }).getAttribute('aria-valuetext')).toBe('$21.00 of $51.00 used');

    // The charts' text alternative: a summary and every figure in a table.
    expect(screen.getByText('Spend on 7 of 10 days; the most on 2026-12-04: $3.00.')).toBeTruthy();
    const byDay = screen.getByRole('table', { name: 'Spend by day' });
    expect(within(byDay).getAllByRole('row')).toHaveLength(11);
    expect(within(byDay).getByRole('rowheader', { name: '2026-12-10' }).parentElement?.textContent).toBe('2026-12-10$2.00$1.001');
    const byModel = screen.getByRole('table', { name: 'Spend by model' });
    expect(within(byModel).getAllByRole('rowheader').map((cell) => cell.textContent)).toEqual(['sora-2', 'sora-2-pro']);
    expect(Object.fromEntries(api.calls[0]!.url.searchParams)).toEqual({ period: 'month' });
  });

  it('says a budget that is used up refuses new videos, and that no spend means it does not run out', async () => {
    usageRoute(() => usageOf({
      by_day: [spend('2026-12-01', 9_000_000)],
      budgets: [
        budgetOf({ id: 'budget_a1', remaining_micros: 0, spent_micros: 100_000_000 }),
        budgetOf({ id: 'budget_b2', model: 'sora-2-pro', remaining_micros: 10_000_000 }),
      ],
    }));
    await renderApp('/usage');
    const forecast = await screen.findByRole('region', { name: 'Forecast' });
    const lines = within(forecast).getAllByRole('listitem').map((item) => item.textContent);
    expect(lines[0]).toMatch(/^The monthly budget is used up: new videos are refused until/);
    expect(lines[1]).toBe('No spend in the last 7 days: the monthly budget for sora-2-pro does not run out at this rate.');
  });

  it('switches to today and to a past month, asking the API for that period', async () => {
    const api = usageRoute((query) => usageOf(query.get('period') === 'day'
      ? { period: 'day', start_time: Date.UTC(2026, 11, 10) / 1000, end_time: Date.UTC(2026, 11, 11) / 1000, settled_micros: 1_500_000, reserved_micros: 0, videos: 2, by_day: [spend('2026-12-10', 1_500_000)] }
      : { by_day: WEEK_AT_3_DOLLARS }));
    await renderApp('/usage');
    await screen.findByRole('table', { name: 'Spend by day' });
    await userEvent.click(screen.getByRole('button', { name: 'Today' }));
    await waitFor(() => expect(screen.getByRole('region', { name: 'Totals' }).textContent).toContain('$1.50'));
    expect(screen.getByRole('button', { name: 'Today' }).getAttribute('aria-pressed')).toBe('true');
    expect(Object.fromEntries(api.calls.at(-1)!.url.searchParams)).toEqual({ period: 'day' });
    expect(screen.queryByRole('table', { name: 'Spend by day' })).toBeNull();
    expect(screen.getByText(/The forecast is for monthly budgets/)).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'This month' }));
    fireEvent.change(await screen.findByLabelText('Month'), { target: { value: '2026-10' } });
    await waitFor(() => expect(Object.fromEntries(api.calls.at(-1)!.url.searchParams)).toEqual({ period: 'month', start: String(Date.UTC(2026, 9, 1) / 1000) }));
  });

  it('shows an empty period and no budget plainly', async () => {
    usageRoute(() => usageOf({ settled_micros: 0, reserved_micros: 0, videos: 0 }));
    await renderApp('/usage');
    expect(await screen.findByText('No spend in this period')).toBeTruthy();
    expect(screen.getByText(/No budget is set for you/)).toBeTruthy();
    expect(screen.getByText('No monthly budget is set, so there is nothing to run out.')).toBeTruthy();
  });

  it('shows the API\'s refusal when usage cannot be loaded', async () => {
    usageRoute(() => ({ status: 400, body: { error: { message: 'start must be unix seconds', type: 'invalid_request_error', param: 'start', code: 'invalid_value' } } }));
    await renderApp('/usage');
    expect((await screen.findByRole('alert')).textContent).toContain('start must be unix seconds');
  });
});
