// storage.js's refresh lock: the save engine runs in two Wasm modules (outbox runs in
// core_outbox, lookups and undo in core_engine), each with its own single-flight locks; this
// lock, taken by the engine's Store::begin_refresh, makes one refresh per connection for the
// whole worker. A second taker waits until the first releases; other roles do not wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { store } from '../../extension/background/storage.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

test('a second refresh of one role waits for the first; another role does not', async () => {
  const order = [];
  await store.beginRefresh('team_sync');
  const second = store.beginRefresh('team_sync').then(() => order.push('second holds team_sync'));
  const personal = store.beginRefresh('personal').then(() => order.push('personal holds'));
  await personal;
  await tick();
  assert.deepEqual(order, ['personal holds'], 'team_sync is still held by the first');
  order.push('first releases');
  await store.endRefresh('team_sync');
  await second;
  assert.deepEqual(order, ['personal holds', 'first releases', 'second holds team_sync']);
  await store.endRefresh('team_sync');
  await store.endRefresh('personal');
});

test('three takers hold the lock one at a time', async () => {
  let holders = 0;
  let most = 0;
  const take = async () => {
    await store.beginRefresh('team_sync');
    holders += 1;
    most = Math.max(most, holders);
    await tick();
    holders -= 1;
    await store.endRefresh('team_sync');
  };
  await Promise.all([take(), take(), take()]);
  assert.equal(most, 1);
});
