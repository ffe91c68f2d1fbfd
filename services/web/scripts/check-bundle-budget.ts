// The initial JavaScript budget: what the browser must fetch before the first page renders (the entry script
// and the chunks index.html preloads), gzipped, is at most 250 KB. The build fails when it is not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 250 * 1024;
const dist = join(import.meta.dirname, '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((match) => match[1]!);
if (scripts.length === 0) throw new Error('check-bundle-budget: index.html names no script');

let total = 0;
for (const script of new Set(scripts)) {
  const gzipped = gzipSync(readFileSync(join(dist, script)), { level: 9 }).length;
  total += gzipped;
  console.log(`${script}: ${(gzipped / 1024).toFixed(1)} KB gzipped`);
}
console.log(`initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_BYTES / 1024} KB)`);
if (total > BUDGET_BYTES) {
  console.error(`check-bundle-budget: ${(total / 1024).toFixed(1)} KB is over the ${BUDGET_BYTES / 1024} KB budget`);
  process.exit(1);
}
