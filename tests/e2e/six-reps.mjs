// The six reps of issue 15's side-by-side story, shared by the two files that tell it:
// - team-sync-six-browsers.test.mjs, the problem: without a team server each rep connects team
//   sync (integration@) in their own browser, and Salesforce's five approvals per user per app
//   (Salesforce Help 000205876) revoke the first rep's when the sixth connects;
// - team-server.test.mjs, the fix: the same six reps join a team server, which holds the one
//   team sync approval whatever the number of reps.
// Each file runs on its own sandbox (the two run in parallel) and sees all six reps there.
import { lookupsDone, waitForState } from './harness.mjs';

/** The Gmail fixture's threads with external people (rep@acme.example's mailbox). */
export const PILOT_THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd';
export const ROLLOUT_THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXKRolloutYyYyYyYyYyYyYyYy';

/**
 * Six reps: every active sandbox user but the integration user and the read-only one (two
 * standard reps, the admin who also saves, and three more standard reps), each with a LinkedIn
 * profile and a Gmail person of their own to save.
 */
export const REPS = [
  { email: 'rep@acme.example', name: 'Rita Rep', profile: 'ada-lovelace', lastName: 'Lovelace', thread: PILOT_THREAD, gmail: 'ben.oneil@initech.example' },
  { email: 'rep2@acme.example', name: 'Remy Rep', profile: 'aoife-kelleher', lastName: 'Kelleher', thread: PILOT_THREAD, gmail: 'marta@globex.example' },
  { email: 'admin@acme.example', name: 'Ada Admin', profile: 'bram-visser', lastName: 'Visser', thread: PILOT_THREAD, gmail: 'jana.novakova@globex.example' },
  { email: 'rep3@acme.example', name: 'Raj Rep', profile: 'zoe-nakamura', lastName: 'Nakamura', thread: ROLLOUT_THREAD, gmail: 'lena.fischer@initech.example' },
  { email: 'rep4@acme.example', name: 'Ruth Rep', profile: 'tomas-horak', lastName: 'Horák', thread: ROLLOUT_THREAD, gmail: 'omar.haddad@umbrella.example' },
  { email: 'rep5@acme.example', name: 'Rory Rep', profile: 'cara-lindgren', lastName: 'Lindgren', thread: ROLLOUT_THREAD, gmail: 'kwame.mensah@vandelay.example' },
];

/** The integration user who holds team sync, as toasts and previews name it. */
export const CREATED_BY_INTEGRATION = /Created By: (Ivan Integration|integration@acme\.example)/;

/**
 * Saves `rep`'s LinkedIn profile from `ext` (options page `options`); resolves to the hover
 * preview's and the toast's text once the outbox is empty, and whether the toast offered Undo.
 */
export async function saveProfile(ext, options, rep) {
  const page = await ext.page('https://www.linkedin.com/in/' + rep.profile + '/');
  await lookupsDone(page);
  const button = page.getByTestId('save-prospect').first();
  await button.hover();
  const preview = page.getByTestId('save-preview').filter({ hasText: 'Created By' });
  await preview.waitFor({ timeout: 10000 });
  const previewText = await preview.textContent();
  await button.click();
  const toast = page.getByTestId('save-result').first();
  await toast.waitFor({ timeout: 20000 });
  await waitForState(options, (s) => s.outbox.length === 0 && s, 30000);
  const text = await toast.textContent();
  const undo = await page.getByTestId('undo-row').count();
  await page.close();
  return { previewText, text, undo };
}

/** Saves `rep`'s Gmail person from their thread; resolves to the toast's text once the outbox is empty. */
export async function saveGmailPerson(ext, options, rep) {
  const page = await ext.page(rep.thread);
  const row = page.locator('[data-testid="gmail-participant"][data-email="' + rep.gmail + '"]');
  await row.getByTestId('crm-status').filter({ hasText: 'Not in CRM yet' }).waitFor({ timeout: 20000 });
  await row.getByTestId('save-prospect').click();
  const toast = page.getByTestId('save-result').first();
  await toast.waitFor({ timeout: 20000 });
  await waitForState(options, (s) => s.outbox.length === 0 && s, 30000);
  const text = await toast.textContent();
  await page.close();
  return text;
}
