/**
 * A node:test reporter for test.sh: its first line is "<passed> <failed>" (cancelled tests
 * count as failed), as the runner counted them; then the test files that took longest (the sum
 * of their top-level tests), so slow ones are seen and mended. TOWNHALL_TEST_SLOWEST sets how
 * many (8). Plain JavaScript: node loads reporters before tsx can compile TypeScript.
 */
import { relative } from 'node:path';

/** @param {AsyncIterable<import('node:test/reporters').TestEvent>} source */
export default async function* summaryReporter(source) {
  const counts = { pass: 0, fail: 0, cancelled: 0 };
  const seconds = new Map();
  for await (const event of source) {
    if (event.type === 'test:diagnostic' && event.data.nesting === 0) {
      const [, name, value] = /^(pass|fail|cancelled) (\d+)$/.exec(event.data.message) ?? [];
      if (name) counts[name] = Number(value);
    }
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      // Named by their source: the tiers run the compiled tree (.tests/x.test.js for x.test.ts).
      const file = relative(process.cwd(), event.data.file).replace(/^\.tests\//, '').replace(/\.js$/, '.ts');
      seconds.set(file, (seconds.get(file) ?? 0) + event.data.details.duration_ms / 1000);
    }
  }
  yield `${counts.pass} ${counts.fail + counts.cancelled}\n`;
  const slowest = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOWNHALL_TEST_SLOWEST ?? 8));
  if (slowest.length > 0) yield 'Slowest test files:\n';
  for (const [file, total] of slowest) yield `${total.toFixed(1).padStart(7)} s  ${file}\n`;
}
