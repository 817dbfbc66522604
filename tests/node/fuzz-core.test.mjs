// Fuzzing every export of the Wasm core (dist/core-node) with random JSON values (issue 5):
// the decision API, the message parsers (plan_save, preview, lookups, ui_message), the
// pipeline steps, undo, the managed policy, connecting (Salesforce and HubSpot) and the CRM
// response parsers. Whatever comes in (random values, and valid inputs with one part swapped
// for junk), every export answers a plain `{ok: boolean, ...}` object, with `error.code` a
// string when `ok` is false: never an exception, never a Wasm trap. A last test lists the
// exports of the raw modules (and of crates/core-wasm/src) and fails for one without a target.
// The save engine's exports (`core_engine`, async) get a random store and a random `fetch` too.
// Seeded: FUZZ_SEED=<n> replays a run, FUZZ_RUNS=<n> widens it.
import { test } from 'node:test';
import { fuzzSettings, pick, prng } from './fuzz-random.mjs';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { team, tokens } from './worker-shapes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const core = require(path.join(root, 'dist', 'core-node'));

const { seed: SEED, runs: RUNS } = fuzzSettings(5, 600);


// Keys and words the core's shapes use, so random objects reach past the first field check.
const KEYS = ['kind', 'source', 'push', 'prospects', 'activity', 'full_name', 'first_name', 'last_name', 'email',
  'linkedin_url', 'crm', 'team', 'users', 'config', 'connections', 'role', 'status', 'headers', 'body', 'id',
  'records', 'compositeResponse', 'httpStatusCode', 'errorCode', 'message', 'access_token', 'refresh_token',
  'instance_url', 'phase', 'in_flight', 'attempts', 'spec', 'record', 'owner', 'created_by', 'actor', 'results',
  'totalSize', 'done', 'nextRecordsUrl', 'error', 'error_description', 'user_id', 'subject', 'page_url', 'paging'];
const WORDS = ['save', 'lookup', 'preview', 'get_state', 'set_config', 'connect', 'retry', 'salesforce', 'hubspot',
  'linkedin_extension', 'gmail_extension', 'web_form', 'single', 'bulk', 'contact', 'lead', 'team_sync', 'personal',
  'INVALID_SESSION_ID', 'REQUEST_LIMIT_EXCEEDED', 'DUPLICATES_DETECTED', 'INSUFFICIENT_ACCESS', 'invalid_grant',
  '005000000000001AAA', 'https://acme.my.salesforce.com', '', ' ', '\u0000', '\ud800', "'; DROP", '%_\\', '🚀'];

function randomString(rand) {
  if (rand() < 0.5) return pick(rand, WORDS);
  const n = Math.floor(rand() * (rand() < 0.1 ? 5000 : 30));
  let s = '';
  for (let i = 0; i < n; i += 1) s += String.fromCharCode(Math.floor(rand() * (rand() < 0.8 ? 128 : 0x10000)));
  return s;
}

const NUMBERS = [0, -1, 1, 0.5, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, -0, NaN, Infinity];

/** A random JSON-ish value (plus undefined, NaN and Infinity, which JS callers can pass too). */
function randomValue(rand, depth = 0) {
  const r = rand();
  if (depth > 4 || r < 0.35) {
    const leaf = rand();
    if (leaf < 0.1) return null;
    if (leaf < 0.15) return undefined;
    if (leaf < 0.25) return rand() < 0.5;
    if (leaf < 0.45) return rand() < 0.5 ? pick(rand, NUMBERS) : Math.floor(rand() * 1000);
    return randomString(rand);
  }
  if (r < 0.55) return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth + 1));
  const out = {};
  for (let i = Math.floor(rand() * 6); i > 0; i -= 1) {
    out[rand() < 0.85 ? pick(rand, KEYS) : randomString(rand)] = randomValue(rand, depth + 1);
  }
  return out;
}

/** A copy of `value` with one random part replaced, removed or retyped. */
function mutate(rand, value) {
  const copy = structuredClone(value);
  if (copy === null || typeof copy !== 'object') return randomValue(rand);
  let node = copy;
  for (let depth = 0; depth < 6; depth += 1) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = pick(rand, keys);
    const child = node[key];
    if (child && typeof child === 'object' && rand() < 0.6) { node = child; continue; }
    const r = rand();
    if (r < 0.3) delete node[key];
    else if (r < 0.5 && typeof child === 'string') node[key] = child.repeat(1 + Math.floor(rand() * 50)) + randomString(rand);
    else node[key] = randomValue(rand, 3);
    return copy;
  }
  node[pick(rand, KEYS)] = randomValue(rand, 3);
  return copy;
}

// Valid inputs to mutate: the worker's real shapes (team and tokens: worker-shapes.mjs).
const saveMessage = {
  kind: 'save', source: 'gmail_extension', push: 'single',
  prospects: [{ full_name: "Ben O'Neil", email: 'ben@initech.example', title: 'CTO', company: 'Initech' },
    { full_name: 'Ada Lovelace', linkedin_url: 'https://www.linkedin.com/in/ada' }],
  activity: { kind: 'email', subject: 'Re: pilot', body: 'Hello', date: '2026-11-21', message_id: '<m1@x>' },
};
const decideInput = {
  crm: 'salesforce', source: 'linkedin_extension', record: 'contact', push: 'bulk', actor: 'u_rep',
  team: {
    users: [
      { id: 'u_admin', email: 'admin@acme.example', personal: { crm_user_id: '005A', email: 'admin@acme.example', permission: 'admin' }, owner_mapping: null },
      { id: 'u_rep', email: 'rep@acme.example', personal: null, owner_mapping: '005R' },
    ],
    team_sync: 'u_admin',
    crm_users: [{ id: '005A', email: 'admin@acme.example', active: true }, { id: '005R', email: 'rep@acme.example', active: true }],
  },
};
const plan = core.plan_save(team, saveMessage, 's1', {});
const entry = plan.ok ? plan.entries[0] : null;
// A bulk chunk (three LinkedIn people, Account matching on): the settings module runs it.
const bulkTeam = { ...team, settings: { ...(team.settings || {}), match_account: true } };
const bulkMessage = {
  kind: 'save', source: 'linkedin_extension', push: 'bulk',
  prospects: ['ada', 'ben', 'cy'].map((slug) => ({ full_name: slug + ' Person', linkedin_url: 'https://www.linkedin.com/in/' + slug, company: 'Initech' })),
};
const bulkPlan = core.plan_save(bulkTeam, bulkMessage, 's2', {});
const chunk = bulkPlan.ok ? bulkPlan.entries.find((e) => e.chunk) : null;
const composite = { compositeResponse: [{ referenceId: 'NewRecord', httpStatusCode: 201, body: { id: '003000000000001AAA', success: true, errors: [] } }] };
const responses = [
  { status: 200, headers: [], body: JSON.stringify(composite) },
  { status: 401, headers: [], body: '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]' },
  { status: 503, headers: [['Retry-After', '5']], body: '' },
  { status: 400, headers: [], body: '{"error":"invalid_grant","error_description":"expired access/refresh token"}' },
  { status: 200, headers: [], body: '{"totalSize":1,"done":true,"records":[{"Id":"003X","OwnerId":"005R","Owner":{"Name":"Rita"}}]}' },
  { status: 200, headers: [], body: '{"access_token":"A","refresh_token":"R","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00D/005I"}' },
  { status: 0, headers: [], body: 'net::ERR_INTERNET_DISCONNECTED' },
];

// The undo window's shapes: a finished one-person save, its undo record, the planned delete
// and its answer, and the journal line it marks.
const NOW = 1_800_000_000_000;

// Server mode (issue 15): a team snapshot (`GET /api/team`) beside the stored team, a
// LinkedIn entry the team server pushes, and the server's answers to a save.
const snapshot = {
  team: { id: 't_1', name: 'Acme', crm: 'salesforce' },
  me: { id: 'm_rep', email: 'rep@acme.example', role: 'rep', crm_user_id: '005R', owner_mapping: null },
  state: {
    users: [
      { id: 'm_admin', email: 'integration@acme.example', personal: { crm_user_id: '005I', email: 'integration@acme.example', permission: 'admin', held: 'team' }, owner_mapping: null },
      { id: 'm_rep', email: 'rep@acme.example', personal: { crm_user_id: '005R', email: 'rep@acme.example', permission: 'standard', held: 'own_browser' }, owner_mapping: null },
    ],
    team_sync: 'm_admin', crm_users: [],
  },
  push_settings: { record_kind: 'contact', match_account: false, log_emails: true },
  connections: [{ member_id: 'm_admin', crm_user_id: '005I', permission: 'admin', held: 'team', needs_reconnect: false }],
};
const serverTeam = { ...team, team_server_snapshot: snapshot };
const serverPlan = core.plan_save(serverTeam, { kind: 'save', source: 'linkedin_extension', push: 'single',
  prospects: [{ full_name: 'Ada Lovelace', linkedin_url: 'https://www.linkedin.com/in/ada' }] }, 's3', {});
const serverEntry = serverPlan.ok ? serverPlan.entries[0] : null;
const serverResponses = [
  { status: 200, headers: [], body: JSON.stringify({ status: 'pushed', results: [{ status: 'created', object: 'Contact', record_id: '003X', record_url: null, name: 'Ada Lovelace', owner: { id: '005R', name: null }, created_by: { id: '005I', name: 'integration@acme.example' }, reasons: ['r'], warnings: [], error: null }] }) },
  { status: 202, headers: [], body: '{"status":"waiting","waiting":{"code":"REQUEST_LIMIT_EXCEEDED","message":"busy","hint":"later"}}' },
  { status: 401, headers: [], body: '{"error":{"code":"invalid_session","message":"no"}}' },
  { status: 409, headers: [], body: '{"error":{"code":"not_held_by_team","message":"own browser"}}' },
  { status: 0, headers: [], body: 'net::ERR_CONNECTION_REFUSED' },
];
const undoSave = {
  kind: 'save', source: 'linkedin_extension', push: 'single',
  prospects: [{ full_name: 'Ada Lovelace', email: 'ada@x.example', linkedin_url: 'https://www.linkedin.com/in/ada' }],
};
const undoPlanned = core.plan_save(team, undoSave, 's1', { 'email:ada@x.example': null });
const undoEntry = undoPlanned.ok ? undoPlanned.entries[0] : null;
const undoSent = undoEntry ? core.next_request(team, undoEntry, tokens) : null;
const undoDone = undoSent?.ok ? core.on_response(team, undoSent.entry, responses[0], NOW, 1) : null;
const undoResult = undoDone?.step?.result ?? null;
const undoRecorded = core.undo_record(team, [undoEntry], [undoResult], 's1', NOW);
const undoMessage = { kind: 'undo', source: 'linkedin_extension', save_id: 's1' };
const undoPlanned2 = core.undo_plan(team, undoMessage, undoRecorded.undo ?? null, tokens, NOW + 1000);
const deleteAnswer = { status: 200, headers: [], body: JSON.stringify([{ id: '003000000000001AAA', success: true, errors: [] }]) };
const undoOutcome = core.undo_outcome(undoRecorded.undo ?? null, undoPlanned2.calls ?? [], [deleteAnswer]);
const journal = core.journal_record({}, 's1', 'linkedin_extension', undoResult, '2026-11-21T10:00:00Z');
const undoResponses = [deleteAnswer, { status: 404, headers: [], body: '[{"errorCode":"ENTITY_IS_DELETED","message":"deleted"}]' },
  { status: 200, headers: [], body: '[{"id":"003000000000001AAA","success":false,"errors":[{"statusCode":"ENTITY_IS_DELETED","message":"x"}]}]' },
  { status: 204, headers: [], body: '' }, responses[1], responses[6]];

// A list page's lookups: the message, the cache, and the dedupe query's answer.
const lookupMessage = { kind: 'lookup', source: 'linkedin_extension', prospects: undoSave.prospects };
const lookupAnswer = { status: 200, headers: [], body: JSON.stringify({ compositeResponse: [{ referenceId: 'dedupe0', httpStatusCode: 200,
  body: { totalSize: 1, done: true, records: [{ Id: '003X', Email: 'ada@x.example', OwnerId: '005R', Owner: { Name: 'Rita Rep' } }] } }] }) };
// A list page's cards: a person, a private member (by name and by headless link), a nameless card.
const cardsMessage = { kind: 'lookup', source: 'linkedin_extension', cards: [
  { key: 'urn:1', link: 'https://www.linkedin.com/in/ada?x=1', prospect: { full_name: 'Ada Lovelace', email: 'ada@x.example', linkedin_url: 'https://www.linkedin.com/in/ada' } },
  { key: 'urn:2', link: 'https://www.linkedin.com/search/results/people/headless?k=1', prospect: { full_name: 'LinkedIn Member' } },
  { key: 'sdui:2', link: null, prospect: { full_name: null, headline: 'VP Sales' } },
] };
/** Either lookup a page sends: people (a profile, Gmail) or a list page's cards. */
const someLookup = (r) => (r() < 0.5 ? lookupMessage : cardsMessage);
const lookupKnown = { 'email:ben@initech.example': { id: '003B', object: 'Contact', owner_id: '005R', owner_name: 'Rita Rep' }, 'email:nobody@x.example': null };

// The managed policy and HubSpot connecting (see crates/saves/tests/it/connect_hubspot.rs).
const policy = { crm: 'salesforce', client_id: 'from-policy', settings: { match_account: true, record_kind: 'lead' } };
const hubspotTeam = {
  config: { crm: 'hubspot', client_id: 'hs-client', me_email: 'rep@acme.example' },
  connections: [{ role: 'team_sync', crm_user_id: '41629002', name: 'Ivan', email: 'integration@acme.example', permission: 'admin', instance_url: 'https://api.hubapi.com' }],
};
const REDIRECT = 'https://abc.chromiumapp.org/oauth2';
const hubspotToken = { access_token: 'CNaccess', refresh_token: 'na1-refresh', instance_url: 'https://api.hubapi.com', id: '9586003' };
const hubspotOwner = { id: '41629003', name: 'Rita Rep', email: 'rep@acme.example', active: true };
const hubspotUsers = [{ id: '41629002', name: 'Ivan', email: 'integration@acme.example', active: true }, hubspotOwner];
// What a finished connect flow hands the worker (`connect_finish`), one of each kind, and how
// a connect starts (`engine_connect`).
const finishedSeeds = [
  { kind: 'salesforce', role: 'personal', token: { access_token: 'A', refresh_token: 'R', instance_url: 'https://acme.my.salesforce.com', id: 'https://login.salesforce.com/id/00D/005R' },
    identity: { user_id: '005R', org_id: '00D', username: 'rep@acme.example', email: 'rep@acme.example', display_name: 'Rita Rep' }, permission: 'standard', users: [] },
  { kind: 'hubspot', role: 'personal', token: hubspotToken, owner: hubspotOwner, users: hubspotUsers },
  { kind: 'private_app', token: { access_token: 'pat-na1-x', refresh_token: null, instance_url: 'https://api.hubapi.com', id: '' }, email: 'integration@acme.example', users: hubspotUsers },
];
const connectStarts = [
  { kind: 'oauth', role: 'personal', redirect_uri: REDIRECT, returned_url: `${REDIRECT}?code=c1&state=s1`, state: 's1', verifier: 'v1' },
  { kind: 'private_app', token: 'pat-na1-x', email: 'integration@acme.example' },
];
const hubspotResponses = [
  { status: 200, headers: [], body: '{"access_token":"CNaccess","refresh_token":"na1-refresh","expires_in":1800,"hub_id":1,"user_id":9586003}' },
  { status: 200, headers: [], body: '{"id":"41629003","email":"rep@acme.example","firstName":"Rita","lastName":"Rep","userId":9586003,"archived":false}' },
  { status: 200, headers: [], body: '{"access_token":"new","expires_in":1800}' },
  { status: 400, headers: [], body: '{"status":"BAD_REFRESH_TOKEN","message":"refresh token is invalid, expired or revoked","error":"invalid_grant"}' },
  { status: 404, headers: [], body: '{"status":"error","message":"Owner not found","category":"OBJECT_NOT_FOUND"}' },
  { status: 429, headers: [['Retry-After', '10']], body: '{"status":"error","category":"RATE_LIMITS"}' },
];

/** A response-like value: mostly a real shape (one of `bases`) with a random part, sometimes pure junk. */
function randomResponse(rand, bases = responses) {
  const r = rand();
  if (r < 0.2) return randomValue(rand);
  const base = pick(rand, bases);
  if (r < 0.5) return { ...base, body: rand() < 0.5 ? JSON.stringify(randomValue(rand)) : randomString(rand) };
  if (r < 0.6) return { ...base, status: pick(rand, NUMBERS) };
  return mutate(rand, base);
}

/** Either a mutated valid input or a random value. */
const near = (rand, valid) => (rand() < 0.7 ? mutate(rand, valid) : randomValue(rand));
const str = (rand) => randomString(rand);
/** The valid string half the time (so checks past it are reached), else a random one. */
const strOr = (rand, valid) => (rand() < 0.5 ? valid : randomString(rand));
/** A list of a few responses like `bases` (the answers so far of a multi-call run). */
const responseList = (rand, bases) => Array.from({ length: Math.floor(rand() * 4) }, () => randomResponse(rand, bases));
/** Junk for an argument like `valid`: a random string, an edge number, or a mutated value. */
const junkLike = (valid) => (typeof valid === 'string' ? str : typeof valid === 'number' ? (rand) => pick(rand, NUMBERS) : (rand) => near(rand, valid));

/**
 * The valid arguments `valid` with one of them (sometimes more) replaced by junk, so the checks
 * after the first argument's are reached too; `junk` overrides the junk of some positions.
 */
function someJunk(rand, valid, junk = {}) {
  const out = [...valid];
  do {
    const i = Math.floor(rand() * valid.length);
    out[i] = (junk[i] ?? junkLike(valid[i]))(rand);
  } while (rand() < 0.3);
  return out;
}

// Every export with `any` parameters, and how to make junk for it. String parameters stay
// strings (the JS glue, not the core, would refuse anything else).
const TARGETS = {
  decide: (r) => [near(r, decideInput)],
  validate_team: (r) => [near(r, decideInput.team)],
  check_connect: (r) => [near(r, { team: decideInput.team, user: 'u_rep', crm_user_id: '005R', permission: 'standard' })],
  check_team_sync_choice: (r) => [near(r, { team: decideInput.team, user: 'u_admin' })],
  contract: (r) => (r() < 0.5 ? [] : [randomValue(r)]),
  queued_result: (r) => [entry ? near(r, entry) : randomValue(r)],
  sign_in_failed: (r) => [near(r, team), r() < 0.5 ? r() < 0.5 : randomValue(r)],
  plan_save: (r) => [near(r, team), near(r, saveMessage), str(r), r() < 0.5 ? null : randomValue(r)],
  preview: (r) => [near(r, team), near(r, { kind: 'preview', source: 'linkedin_extension', push: 'single' })],
  ui_message: (r) => [near(r, team), near(r, { kind: 'set_config', crm: 'salesforce', login_host: 'production', client_id: 'x', me_email: 'rep@acme.example' })],
  state_view: (r) => [near(r, team), randomValue(r), r() < 0.5 && entry ? near(r, [entry]) : randomValue(r), near(r, { redirect_url: 'https://x.chromiumapp.org/oauth2' })],
  // Half the time a bulk chunk (with Account matching), half a single save.
  next_request: (r) => (r() < 0.5 && chunk
    ? [near(r, bulkTeam), near(r, chunk), near(r, tokens)]
    : [near(r, team), entry ? near(r, entry) : randomValue(r), near(r, tokens)]),
  on_response: (r) => [...(r() < 0.5 && chunk ? [near(r, bulkTeam), near(r, chunk)] : [near(r, team), entry ? near(r, entry) : randomValue(r)]),
    randomResponse(r), Math.floor(r() * 2 ** 40), Math.floor(r() * 2 ** 32)],
  revoke_request: (r) => [near(r, team), near(r, tokens.team_sync)],
  oauth_start: (r) => [near(r, team), str(r), new Uint8Array(Math.floor(r() * 100)).map(() => Math.floor(r() * 256))],
  journal_record: (r) => [randomValue(r), str(r), str(r), randomValue(r), str(r)],
  // A CSV file's text: a header the import maps, then random text; or any value at all.
  import_rows: (r) => [r() < 0.7 ? 'Name;E-mail\n' + str(r) + '\n' + str(r) : randomValue(r)],
  team_server_url: (r) => [r() < 0.5 ? strOr(r, 'http://127.0.0.1:8080') : randomValue(r)],
  server_save: (r) => someJunk(r, [serverTeam, serverEntry ?? {}, 'https://leadline.acme.example', 'lls_x']),
  server_answer: (r) => someJunk(r, [serverTeam, serverEntry ?? {}, serverResponses[0], NOW],
    { 2: (q) => randomResponse(q, serverResponses) }),
  journal_log_error: (r) => [randomValue(r), near(r, { code: 'x', message: 'y', hint: 'z' }), str(r), str(r), str(r)],
  error_log_csv: (r) => [randomValue(r)],
  lookup_list: (r) => someJunk(r, [team, someLookup(r), tokens, lookupKnown, [lookupAnswer]],
    { 4: (q) => (q() < 0.5 ? near(q, [lookupAnswer]) : responseList(q, [lookupAnswer, ...responses])) }),
  undo_record: (r) => someJunk(r, [team, [undoEntry], [undoResult], 's1', NOW]),
  undo_plan: (r) => someJunk(r, [team, undoMessage, undoRecorded.undo ?? {}, tokens, NOW + 1000],
    { 2: (q) => (q() < 0.2 ? null : near(q, undoRecorded.undo ?? {})) }),
  undo_outcome: (r) => someJunk(r, [undoRecorded.undo ?? {}, undoPlanned2.calls ?? [], [deleteAnswer]],
    { 2: (q) => (q() < 0.5 ? near(q, [deleteAnswer]) : responseList(q, undoResponses)) }),
  journal_mark_undone: (r) => someJunk(r, [journal.journal ?? {}, 's1', undoOutcome]),
  apply_policy: (r) => someJunk(r, [r() < 0.5 ? team : hubspotTeam, policy], { 1: (q) => (q() < 0.2 ? null : near(q, policy)) }),
  connect_finish: (r) => someJunk(r, [r() < 0.5 ? team : hubspotTeam, pick(r, finishedSeeds), '2026-11-23T09:00:00Z'],
    { 1: (q) => (q() < 0.2 ? randomValue(q) : near(q, pick(q, finishedSeeds))) }),
  hubspot_refresh_request: (r) => someJunk(r, [hubspotTeam, hubspotToken, 'hs-secret']),
  parse_hubspot_refresh: (r) => [randomResponse(r, hubspotResponses), r() < 0.5 ? hubspotToken : near(r, hubspotToken)],
  hubspot_revoke_request: (r) => someJunk(r, [hubspotTeam, hubspotToken,
    r() < 0.5 ? 'hs-secret' : { team_server: 'https://leadline.acme.example', session: 'lls_x' }]),
};

// The save engine's exports (async): a store whose reads answer random, mutated or valid
// values (or reject), and a global `fetch` answering random CRM answers (or failing), so no
// request leaves the process.
const ENGINE_TARGETS = {
  engine_lookup: (r) => someJunk(r, [team, someLookup(r), lookupKnown, null, NOW, ''],
    { 3: (q) => (q() < 0.5 ? null : randomValue(q)) }),
  // An outbox entry by id: the store's `entry` answers it (or junk), fetch the CRM's answers.
  engine_run: (r) => someJunk(r, [r() < 0.5 && chunk ? bulkTeam : team, entry?.id ?? 'e1', 'hs-secret']),
  // A connect after its sign-in (or a pasted private-app token): fetch answers junk.
  engine_connect: (r) => someJunk(r, [r() < 0.5 ? team : hubspotTeam, pick(r, connectStarts), 'hs-secret']),
  engine_undo: (r) => someJunk(r, [team, undoMessage, undoRecorded.undo ?? {}, NOW, ''],
    { 2: (q) => (q() < 0.2 ? null : near(q, undoRecorded.undo ?? {})) }),
};

/** A storage.js-like store for the engine: random tokens and entries, sometimes a rejected call. */
function randomStore(rand) {
  const answer = (valid) => async () => {
    const r = rand();
    if (r < 0.1) throw new Error('storage failed');
    if (r < 0.4) return valid;
    if (r < 0.6) return null;
    return near(rand, valid);
  };
  return {
    token: answer(tokens.team_sync), setToken: async () => {}, outbox: answer([]), putEntries: async () => {},
    entry: answer(rand() < 0.5 && chunk ? chunk : entry), settle: answer(null), beginRefresh: async () => {}, endRefresh: async () => {},
  };
}

/** A global `fetch` stand-in answering one of the fuzzer's responses, or failing. */
function randomFetch(rand) {
  return async () => {
    if (rand() < 0.15) throw new TypeError('Failed to fetch');
    const { status, body } = randomResponse(rand, [lookupAnswer, deleteAnswer, ...responses]);
    const ok = Number.isInteger(status) && status >= 200 && status <= 599;
    return new Response(typeof body === 'string' ? body : JSON.stringify(body ?? null), { status: ok ? status : 500 });
  };
}

const show = (args) => {
  try {
    return JSON.stringify(args, (_k, v) => (v === undefined ? '<undefined>' : v instanceof Uint8Array ? `<${v.length} bytes>` : v)).slice(0, 600);
  } catch {
    return String(args);
  }
};

/** Calls an export and checks the answer is `{ok: boolean}` (with a coded error when false). */
function check(name, args) {
  let out;
  try {
    out = core[name](...args);
  } catch (error) {
    assert.fail(`${name} threw ${error && error.message} on ${show(args)} (FUZZ_SEED=${SEED})`);
  }
  assert.ok(out && typeof out === 'object' && !Array.isArray(out), `${name} answered ${show(out)} for ${show(args)}`);
  assert.equal(typeof out.ok, 'boolean', `${name} answered without ok: ${show(out)} for ${show(args)} (FUZZ_SEED=${SEED})`);
  if (!out.ok) {
    assert.equal(typeof out.error?.code, 'string', `${name} failed without a code: ${show(out)} for ${show(args)}`);
  }
  return out;
}

test('the valid seeds are valid (so mutations start from real shapes)', () => {
  assert.equal(plan.ok, true, show(plan));
  assert.equal(core.decide(decideInput).ok, true);
  assert.equal(check('next_request', [team, entry, tokens]).ok, true);
  assert.equal(check('on_response', [team, entry, responses[0], 1, 2]).ok, true);
  assert.ok(chunk, show(bulkPlan));
  const chunkSent = check('next_request', [bulkTeam, chunk, tokens]);
  assert.equal(chunkSent.ok, true, show(chunkSent));
  assert.match(decodeURIComponent(chunkSent.request.body), /FROM Account WHERE Name IN \('Initech'\)/);
  assert.equal(check('on_response', [bulkTeam, chunkSent.entry, responses[0], 1, 2]).ok, true);
  // The undo window's chain, start to end.
  assert.equal(undoResult?.status, 'created', show(undoDone));
  assert.equal(undoRecorded.ok, true, show(undoRecorded));
  assert.equal(undoRecorded.undo?.items?.length, 1, show(undoRecorded));
  assert.equal(undoPlanned2.ok, true, show(undoPlanned2));
  assert.equal(undoPlanned2.calls.length, 1, show(undoPlanned2));
  assert.equal(undoOutcome.ok, true, show(undoOutcome));
  assert.equal(undoOutcome.deleted.length, 1, show(undoOutcome));
  const marked = check('journal_mark_undone', [journal.journal, 's1', undoOutcome]);
  assert.equal(marked.journal.recent_saves[0].status, 'undone', show(marked));
  // A list page's lookup: one request, then the results from its answer.
  assert.ok(check('lookup_list', [team, lookupMessage, tokens, {}, []]).request, 'the first call asks for the dedupe query');
  const looked = check('lookup_list', [team, lookupMessage, tokens, lookupKnown, [lookupAnswer]]);
  assert.equal(looked.done, true, show(looked));
  assert.equal(looked.results[0].found, true, show(looked));
  // A list page's cards: each answered by its key, the private and nameless ones skipped.
  const cards = check('lookup_list', [team, cardsMessage, tokens, {}, [lookupAnswer]]).cards;
  assert.deepEqual(cards.map((c) => [c.key, c.skipped?.kind ?? null, c.found ?? null]),
    [['urn:1', null, true], ['urn:2', 'private', null], ['sdui:2', 'unreadable', null]], show(cards));
  // Policy and HubSpot connecting.
  const merged = check('apply_policy', [team, policy]);
  assert.ok(merged.locked?.includes('client_id'), show(merged));
  const hubspotDone = check('connect_finish', [hubspotTeam, finishedSeeds[1], '2026-11-23T09:00:00Z']);
  assert.equal(hubspotDone.ok, true, show(hubspotDone));
  assert.equal(hubspotDone.connection.crm_user_id, '41629003', show(hubspotDone));
  const salesforceDone = check('connect_finish', [{ ...team, connections: [] }, finishedSeeds[0], '2026-11-23T09:00:00Z']);
  assert.equal(salesforceDone.ok, true, show(salesforceDone));
  assert.equal(check('hubspot_refresh_request', [hubspotTeam, hubspotToken, 'hs-secret']).ok, true);
  assert.equal(check('parse_hubspot_refresh', [hubspotResponses[2], hubspotToken]).ok, true);
  assert.equal(check('hubspot_revoke_request', [hubspotTeam, hubspotToken, 'hs-secret']).ok, true);
  // Server mode: no secret in the browser; HubSpot's secret-less legacy revoke.
  const viaServer = check('hubspot_revoke_request', [hubspotTeam, hubspotToken, { team_server: 'https://leadline.acme.example', session: 'lls_x' }]);
  assert.equal(viaServer.ok, true, show(viaServer));
  assert.equal(viaServer.request.method, 'DELETE', show(viaServer));
  assert.match(viaServer.request.url, /\/oauth\/v1\/refresh-tokens\//, show(viaServer));
});

for (const [name, make] of Object.entries(TARGETS)) {
  test(`${name}: random and mutated JSON never throws, always {ok}`, () => {
    assert.equal(typeof core[name], 'function', `dist/core-node exports ${name}`);
    const rand = prng(SEED + name.length * 7919 + name.charCodeAt(0));
    for (let i = 0; i < RUNS; i += 1) check(name, make(rand));
  });
}

// The preview module (`core_preview`, what the worker compiles at every wake) runs the save
// module's own `preview` and `team_server_url`: on every fuzz input both answer alike, so a
// hover and the save after it cannot disagree.
for (const name of Object.keys(core.previewModule)) {
  test(`${name} (preview module): random and mutated JSON, always the save module's answer`, () => {
    assert.equal(typeof TARGETS[name], 'function', `${name} has a fuzz target`);
    const rand = prng(SEED + name.length * 7919 + name.charCodeAt(0) + 1);
    let decided = 0;
    for (let i = 0; i < RUNS; i += 1) {
      const args = TARGETS[name](rand);
      let out;
      try {
        out = core.previewModule[name](...args);
      } catch (error) {
        assert.fail(`preview module ${name} threw ${error && error.message} on ${show(args)} (FUZZ_SEED=${SEED})`);
      }
      assert.deepEqual(out, check(name, args), `preview module ${name} on ${show(args)} (FUZZ_SEED=${SEED})`);
      if (out.ok) decided += 1;
    }
    assert.ok(decided > 0, `no ${name} input was accepted: the comparison saw only refusals`);
  });
}

for (const [name, make] of Object.entries(ENGINE_TARGETS)) {
  test(`${name}: random arguments, store and CRM answers never reject, always {ok}`, async () => {
    assert.equal(typeof core[name], 'function', `dist/core-node exports ${name}`);
    const rand = prng(SEED + name.length * 7919 + name.charCodeAt(0));
    const realFetch = globalThis.fetch;
    globalThis.fetch = randomFetch(rand);
    try {
      for (let i = 0; i < RUNS; i += 1) {
        const args = make(rand);
        let out;
        try {
          out = await core[name](randomStore(rand), ...args);
        } catch (error) {
          assert.fail(`${name} rejected with ${error && error.message} on ${show(args)} (FUZZ_SEED=${SEED})`);
        }
        assert.equal(typeof out?.ok, 'boolean', `${name} answered without ok: ${show(out)} for ${show(args)} (FUZZ_SEED=${SEED})`);
        if (!out.ok) assert.equal(typeof out.error?.code, 'string', `${name} failed without a code: ${show(out)} for ${show(args)}`);
      }
    } finally {
      globalThis.fetch = realFetch;
    }
  });
}

test('the engine runs a lookup through the store and fetch it is given', async () => {
  const sent = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    sent.push({ url, method: init.method, credentials: init.credentials, redirect: init.redirect });
    return new Response(lookupAnswer.body, { status: 200 });
  };
  try {
    const store = { token: async (role) => tokens[role] ?? null, setToken: async () => {} };
    const out = await core.engine_lookup(store, team, lookupMessage, {}, null, NOW, '');
    assert.equal(out.ok, true, show(out));
    assert.equal(out.done, true, show(out));
    assert.equal(sent.length, 1, show(sent));
    assert.match(sent[0].url, /^https:\/\/acme\.my\.salesforce\.com\//);
    assert.deepEqual([sent[0].credentials, sent[0].redirect], ['omit', 'error']);
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('after all that, the core still answers correctly (no poisoned Wasm state)', () => {
  const out = core.decide(decideInput);
  assert.equal(out.ok, true);
  assert.equal(out.owner, '005R');
  assert.equal(core.decide(null).error.code, 'invalid_input');
});

test('the fuzzer itself can fail: an answer without ok is caught', () => {
  const saved = core.error_log_csv;
  try {
    core.error_log_csv = () => ({ csv: '' });
    assert.throws(() => check('error_log_csv', [null]), /answered without ok/);
    core.error_log_csv = () => { throw new Error('trap'); };
    assert.throws(() => check('error_log_csv', [null]), /threw trap/);
  } finally {
    core.error_log_csv = saved;
  }
});

// Every export has a target. Two lists, so neither a stale dist/ nor a filter can hide one:
// the functions each raw module (not the wrapper) exports, and the `#[wasm_bindgen] pub fn`s
// of crates/core-wasm/src.
const BINDGEN_INTERNAL = /^(__wbg|__wbindgen|__wbgt|memory$|initSync$|default$)/;

/** The exported functions of one raw wasm-bindgen module in dist/core-node. */
function rawExports(file) {
  return Object.entries(require(path.join(root, 'dist', 'core-node', file)))
    .filter(([name, value]) => typeof value === 'function' && !BINDGEN_INTERNAL.test(name))
    .map(([name]) => name);
}

/** The `#[wasm_bindgen]` functions (async ones too) of crates/core-wasm/src. */
function sourceExports() {
  const dir = path.join(root, 'crates', 'core-wasm', 'src');
  return readdirSync(dir).filter((f) => f.endsWith('.rs'))
    .flatMap((f) => [...readFileSync(path.join(dir, f), 'utf8').matchAll(/#\[wasm_bindgen[^\]]*\]\s*pub (?:async )?fn (\w+)/g)].map((m) => m[1]));
}

const untargeted = (names) => names.filter((name) => !Object.hasOwn(TARGETS, name) && !Object.hasOwn(ENGINE_TARGETS, name));

test('every export of the Wasm modules has a fuzz target', () => {
  const save = rawExports('core_wasm.js');
  const preview = rawExports('core_preview.js');
  assert.deepEqual(preview.sort(), ['preview', 'team_server_url'], 'the preview module carries the preview alone');
  assert.deepEqual(untargeted(preview), [], 'preview-module exports without a fuzz target');
  assert.deepEqual(Object.keys(core.previewModule).sort(), preview, 'index.js wraps the preview module');
  const settings = rawExports('core_settings.js');
  const contract = rawExports('core_contract.js');
  const engine = [...rawExports('core_engine.js'), ...rawExports('core_outbox.js')];
  assert.ok(engine.includes('engine_lookup') && engine.includes('engine_run'), `core_engine.js and core_outbox.js export ${engine}`);
  assert.deepEqual(untargeted(engine), [], 'engine exports without a fuzz target');
  // The lists are real (a filter that dropped everything would pass vacuously).
  assert.ok(save.includes('plan_save') && save.includes('preview'), `core_wasm.js exports ${save}`);
  assert.ok(!save.includes('on_response') && !save.includes('lookup_list'), 'the step-by-step faces stay off the module every wake loads');
  assert.ok(settings.includes('undo_record') && !settings.includes('decide'), `core_settings.js exports ${settings}`);
  assert.ok(contract.includes('decide') && contract.includes('check_team_sync_choice'), `core_contract.js exports ${contract}`);
  assert.deepEqual(untargeted(contract), [], 'contract exports without a fuzz target');
  assert.deepEqual(untargeted(save), [], 'save-path exports without a fuzz target');
  assert.deepEqual(untargeted(settings), [], 'settings exports without a fuzz target');
  const fromSource = sourceExports();
  assert.ok(fromSource.length >= save.length && fromSource.includes('engine_undo') && fromSource.includes('engine_run'), `crates/core-wasm/src has ${fromSource.length} exports`);
  assert.deepEqual(untargeted(fromSource), [], 'crates/core-wasm/src exports without a fuzz target');
  // And the wrapper the targets call exposes each of them.
  for (const name of [...save, ...settings, ...engine, ...contract]) assert.equal(typeof core[name], 'function', `index.js wraps ${name}`);
});

test('the coverage check itself can fail: an export without a target is named', () => {
  assert.deepEqual(untargeted(['decide', 'undo_plan', 'brand_new_export']), ['brand_new_export']);
  assert.ok(!BINDGEN_INTERNAL.test('lookup_list') && BINDGEN_INTERNAL.test('__wbindgen_malloc') && BINDGEN_INTERNAL.test('memory'));
});
