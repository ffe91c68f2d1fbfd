// axe-core on a Studio page: the violations by impact, for the assertion and for the report the issue note quotes.
import { AxeBuilder } from '@axe-core/playwright';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR } from './artifacts.ts';

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface AxeAudit {
  page: string;
  width: number;
  colorScheme: 'light' | 'dark';
  counts: Record<Impact, number>;
  /** Rule id and the first target of each serious or critical violation, so a failure says what to fix. */
  blocking: { rule: string; impact: Impact; help: string; targets: string[] }[];
  /** Every rule that found something, with its impact and how many nodes. */
  rules: { rule: string; impact: Impact | null; nodes: number }[];
  /** Rules that passed, and rules axe could not decide (a person should look: contrast over an image, say). */
  passed: number;
  incomplete: string[];
}

export async function auditPage(page: Page, name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<AxeAudit> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  const counts: Record<Impact, number> = { minor: 0, moderate: 0, serious: 0, critical: 0 };
  for (const violation of results.violations) if (violation.impact) counts[violation.impact] += violation.nodes.length;
  return {
    page: name,
    width: page.viewportSize()?.width ?? 0,
    colorScheme,
    counts,
    blocking: results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        rule: violation.id,
        impact: violation.impact!,
        help: violation.help,
        targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
      })),
    rules: results.violations.map((violation) => ({ rule: violation.id, impact: violation.impact ?? null, nodes: violation.nodes.length })),
    passed: results.passes.length,
    incomplete: results.incomplete.map((rule) => rule.id),
  };
}

export const auditSummary = (audit: AxeAudit): string => {
  const { critical, serious, moderate, minor } = audit.counts;
  return `axe ${audit.page} @${audit.width}px ${audit.colorScheme}: critical ${critical}, serious ${serious}, moderate ${moderate}, minor ${minor}`
    + ` (${audit.passed} rules passed, ${audit.incomplete.length} to review)`;
};

export async function writeAxeReport(audits: AxeAudit[]): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, 'axe-report.json');
  await writeFile(path, `${JSON.stringify({ generatedAt: new Date().toISOString(), audits }, null, 2)}\n`);
  return path;
}

/** Width the page lays out to; more than the viewport means a horizontal scroll bar at that width. */
export const documentScrollWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);
