// `npm run bench`: the whole stack in this process on a throwaway database and Redis prefix, measured twice:
// the API's submit throughput and latency under autocannon, then videos per second from submit to completed.
import { measureEndToEnd } from './end-to-end.ts';
import { renderJsonLine, renderTable } from './bench-report.ts';
import { withBenchStack } from './bench-stack.ts';
import { measureSubmitLoad } from './submit-load.ts';

console.log('phase 1: submit throughput (API only)…');
const submit = await withBenchStack({ workers: false }, measureSubmitLoad);
console.log('phase 2: end to end (API, workers, emulator)…');
const endToEnd = await withBenchStack({ workers: true }, measureEndToEnd);

const figures = { submit, endToEnd };
console.log(`\n${renderTable(figures)}\n`);
console.log(renderJsonLine(figures));
