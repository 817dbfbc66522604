// The report's statistics: percentiles by interpolation, summaries ignoring non-numbers,
// verdicts against targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, summary, verdict, spread } from './lib/stats.mjs';

test('percentile interpolates between ranks and ignores order', () => {
  assert.equal(percentile([3, 1, 2], 50), 2);
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([10, 20], 95), 19.5);
  assert.equal(percentile([5], 5), 5);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('summary skips NaN and reports min/max', () => {
  const s = summary([4, NaN, 1, 3, 2]);
  assert.deepEqual([s.n, s.median, s.min, s.max], [4, 2.5, 1, 4]);
  assert.equal(spread(s, 2), "2.50 (p5 1.15 – p95 3.85, n=4)");
});

test('verdict compares with the target and says when nothing was measured', () => {
  assert.equal(verdict(150, 150), 'met');
  assert.equal(verdict(150.1, 150), 'missed');
  assert.equal(verdict(NaN, 150), 'not measured');
});
