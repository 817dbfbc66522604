// @hubspot/api-client, unchanged, against the sandbox: one scenario per run (see harness.mjs).
// Usage: SANDBOX_URL=... NODE_EXTRA_CA_CERTS=<cert.pem> node hubspot-client.mjs <scenario>
import { Client } from '@hubspot/api-client';
import { adminPost as admin, caught, signInAndAllow, runScenario } from './harness.mjs';

const URL = process.env.SANDBOX_URL;
const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/hubspot';
const privateApp = () => new Client({ accessToken: 'pat-sandbox-integration', basePath: URL });

const contactInput = (email, extra = {}) => ({ properties: { email, firstname: 'Ada', lastname: 'Lovelace', ...extra }, associations: [] });

await runScenario({
  async contacts() {
    const client = privateApp();
    const created = await client.crm.contacts.basicApi.create(contactInput('ada@example.com', { hubspot_owner_id: '41629003' }));
    const byEmail = await client.crm.contacts.basicApi.getById('ada@example.com', ['email', 'hubspot_owner_id'], undefined, undefined, false, 'email');
    const conflict = await caught(client.crm.contacts.basicApi.create(contactInput('ADA@example.com')));
    const missing = await caught(client.crm.contacts.basicApi.getById('nobody@example.com', ['email'], undefined, undefined, false, 'email'));
    const badOwner = await caught(client.crm.contacts.basicApi.create(contactInput('other@example.com', { hubspot_owner_id: '1' })));
    return { created, byEmail, conflict, missing, badOwner };
  },

  async batchAndSearch() {
    const client = privateApp();
    const batch = await client.crm.contacts.batchApi.create({
      inputs: [0, 1, 2].map((i) => contactInput(`batch${i}@example.com`, { lastname: `Batch${i}` })),
    });
    const searchFor = () => client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'batch1@example.com' }] }],
      properties: ['email', 'lastname'],
      limit: 10,
      after: '0',
      sorts: [],
    });
    // HubSpot's search index lags writes by a few seconds (the sandbox: 2 s by default), so a
    // client looks once at once (not found yet) and then again until the index caught up.
    const fresh = await searchFor();
    let search = fresh;
    const deadline = Date.now() + 10_000;
    while (search.total === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      search = await searchFor();
    }
    const company = await client.crm.companies.basicApi.create({ properties: { name: 'Analytical Engines', domain: 'engines.example' }, associations: [] });
    return { batch, fresh, search, company };
  },

  async owners() {
    const client = privateApp();
    const page = await client.crm.owners.ownersApi.getPage('rep@acme.example', undefined, 100, false);
    const all = await client.crm.owners.ownersApi.getPage(undefined, undefined, 100, false);
    const byUserId = await client.crm.owners.ownersApi.getById(9586004, 'userId', false);
    return { page, count: all.results.length, byUserId };
  },

  async oauth() {
    const authorize = `${URL}/oauth/authorize?client_id=leadline-hubspot-client&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=${encodeURIComponent('oauth crm.objects.contacts.write')}&state=hs-state`;
    const redirect = new globalThis.URL(await signInAndAllow(authorize, 'rep@acme.example'));
    const code = redirect.searchParams.get('code');
    const anonymous = new Client({ basePath: URL });
    const tokens = await anonymous.oauth.tokensApi.create('authorization_code', code, REDIRECT, 'leadline-hubspot-client', 'leadline-hubspot-secret');
    const info = await anonymous.oauth.accessTokensApi.get(tokens.accessToken);
    const client = new Client({ accessToken: tokens.accessToken, basePath: URL });
    const me = await client.crm.owners.ownersApi.getById(info.userId, 'userId', false);
    const created = await client.crm.contacts.basicApi.create(contactInput('oauth@example.com', { hubspot_owner_id: me.id }));
    const refreshed = await anonymous.oauth.tokensApi.create('refresh_token', undefined, undefined, 'leadline-hubspot-client', 'leadline-hubspot-secret', tokens.refreshToken);
    await admin('expire-tokens');
    const expired = await caught(client.crm.contacts.basicApi.getById(created.id));
    return { state: redirect.searchParams.get('state'), tokens, info, me, created, refreshedDiffers: refreshed.accessToken !== tokens.accessToken, expired };
  },

  async rateLimited() {
    await admin('faults', { status: 429, count: 1, path_prefix: '/crm/' });
    const limited = await caught(privateApp().crm.owners.ownersApi.getPage());
    const after = await privateApp().crm.owners.ownersApi.getPage();
    return { limited, afterCount: after.results.length };
  },
});
