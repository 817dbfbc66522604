// jsforce, unchanged, against the sandbox: one scenario per run (see harness.mjs).
// Usage: SANDBOX_URL=... NODE_EXTRA_CA_CERTS=<cert.pem> node jsforce-client.mjs <scenario>
import jsforce from 'jsforce';
import { adminPost as admin, caught, signInAndAllow, runScenario } from './harness.mjs';

const URL = process.env.SANDBOX_URL;
const VERSION = '66.0';

function scriptsConnection() {
  return new jsforce.Connection({
    loginUrl: URL,
    version: VERSION,
    oauth2: { loginUrl: URL, clientId: 'leadline-sandbox-scripts', clientSecret: 'leadline-sandbox-secret', redirectUri: 'http://localhost:1717/OauthRedirect' },
  });
}

async function login(username = 'rep@acme.example') {
  const conn = scriptsConnection();
  await conn.login(username, 'sandbox');
  return conn;
}

await runScenario({
  async login() {
    const conn = scriptsConnection();
    const info = await conn.login('rep@acme.example', 'sandbox');
    const identity = await conn.identity();
    return { info, instanceUrl: conn.instanceUrl, hasToken: Boolean(conn.accessToken), identity };
  },

  async webServerFlowWithPkce() {
    const oauth2 = new jsforce.OAuth2({ loginUrl: URL, clientId: 'leadline-sandbox-client', redirectUri: 'http://localhost:1717/OauthRedirect', useVerifier: true });
    const authorizeUrl = oauth2.getAuthorizationUrl({ scope: 'api refresh_token id', state: 'jsforce-state' });
    const redirect = new globalThis.URL(await signInAndAllow(authorizeUrl, 'rep2@acme.example'));
    const conn = new jsforce.Connection({ oauth2, version: VERSION });
    const info = await conn.authorize(redirect.searchParams.get('code'));
    const me = await conn.query(`SELECT Id, Username FROM User WHERE Id = '${info.id}'`);
    const refreshed = await oauth2.refreshToken(conn.refreshToken);
    return { state: redirect.searchParams.get('state'), info, hasRefreshToken: Boolean(conn.refreshToken), me: me.records[0], refreshedHasAccess: Boolean(refreshed.access_token) };
  },

  async sixthApprovalRevokesTheFirst() {
    // Six web server flows for one user and app: Salesforce keeps five approvals.
    const refreshTokens = [];
    for (let i = 0; i < 6; i += 1) {
      const oauth2 = new jsforce.OAuth2({ loginUrl: URL, clientId: 'leadline-sandbox-client', redirectUri: 'http://localhost:1717/OauthRedirect', useVerifier: true });
      const redirect = new globalThis.URL(await signInAndAllow(oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: `s${i}` }), 'readonly@acme.example'));
      const conn = new jsforce.Connection({ oauth2, version: VERSION });
      await conn.authorize(redirect.searchParams.get('code'));
      refreshTokens.push({ oauth2, token: conn.refreshToken });
    }
    const first = await caught(refreshTokens[0].oauth2.refreshToken(refreshTokens[0].token));
    const second = await caught(refreshTokens[1].oauth2.refreshToken(refreshTokens[1].token));
    const sixth = await caught(refreshTokens[5].oauth2.refreshToken(refreshTokens[5].token));
    return { first, secondHasAccess: Boolean(second.value?.access_token), sixthHasAccess: Boolean(sixth.value?.access_token) };
  },

  async confidentialClientNeedsItsSecret() {
    const base = { loginUrl: URL, clientId: 'leadline-sandbox-server', redirectUri: 'https://leadline.example.com/api/oauth/salesforce/callback', useVerifier: true };
    const flow = async (oauth2) => {
      const redirect = new globalThis.URL(await signInAndAllow(oauth2.getAuthorizationUrl({ scope: 'api refresh_token id', state: 'server' }), 'integration@acme.example'));
      return caught(oauth2.requestToken(redirect.searchParams.get('code')));
    };
    const withoutSecret = await flow(new jsforce.OAuth2(base));
    const withSecret = await flow(new jsforce.OAuth2({ ...base, clientSecret: 'leadline-sandbox-server-secret' }));
    const refreshWithoutSecret = await caught(new jsforce.OAuth2(base).refreshToken(withSecret.value.refresh_token));
    return { withoutSecret, withSecretHasRefresh: Boolean(withSecret.value?.refresh_token), refreshWithoutSecret };
  },

  async crud() {
    const conn = await login();
    const contact = conn.sobject('Contact');
    const created = await contact.create({ FirstName: 'Ada', LastName: "O'Brien", Email: 'ada.obrien@example.com' });
    const retrieved = await contact.retrieve(created.id);
    const updated = await contact.update({ Id: created.id, Title: 'CTO' });
    const escaped = await conn.query("SELECT Id, Name, Title, Owner.Name FROM Contact WHERE LastName = 'O\\'Brien'");
    const found = await contact.find({ LastName: "O'Brien" }, ['Id', 'Email']);
    const count = await contact.count({ Email: 'ada.obrien@example.com' });
    const described = await contact.describe();
    const destroyed = await contact.destroy(created.id);
    const afterDelete = await caught(contact.retrieve(created.id));
    return { created, retrieved, updated, escaped, found, count, describedFields: described.fields.length, destroyed, afterDelete, limitInfo: conn.limitInfo };
  },

  async collections() {
    const conn = await login();
    const contact = conn.sobject('Contact');
    const created = await contact.create([
      { LastName: 'Collection One', Email: 'c1@example.com' },
      { LastName: 'Collection Two', Email: 'c2@example.com' },
    ]);
    const ids = created.map((r) => r.id);
    const retrieved = await contact.retrieve(ids);
    const updated = await contact.update(ids.map((Id) => ({ Id, Title: 'Team' })));
    const partial = await contact.create([{ LastName: 'Fine' }, { FirstName: 'No last name' }, { LastName: 'Dup', Email: 'C1@example.com' }]);
    const destroyed = await contact.destroy(ids);
    return { created, retrieved, updated, partial, destroyed };
  },

  async composite() {
    const conn = await login();
    const base = `/services/data/v${VERSION}`;
    const ok = await conn.requestPost(`${base}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${base}/sobjects/Account`, referenceId: 'acct', body: { Name: 'Analytical Engines' } },
        { method: 'POST', url: `${base}/sobjects/Contact`, referenceId: 'person', body: { LastName: 'Lovelace', AccountId: '@{acct.id}' } },
        { method: 'POST', url: `${base}/sobjects/Task`, referenceId: 'task', body: { WhoId: '@{person.id}', Subject: 'Intro call', TaskSubtype: 'Call', Status: 'Completed' } },
      ],
    });
    const halted = await conn.requestPost(`${base}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${base}/sobjects/Account`, referenceId: 'acct', body: { Name: 'Rolled back' } },
        { method: 'POST', url: `${base}/sobjects/Contact`, referenceId: 'person', body: { FirstName: 'No last name' } },
      ],
    });
    const accounts = await conn.query("SELECT Id FROM Account WHERE Name = 'Rolled back'");
    return { ok, halted, rolledBackAccounts: accounts.totalSize };
  },

  async errors() {
    const conn = await login();
    await conn.sobject('Contact').create({ LastName: 'Original', Email: 'dup@example.com' });
    const duplicate = await caught(conn.sobject('Contact').create({ LastName: 'Copy', Email: 'DUP@example.com' }));
    const required = await caught(conn.sobject('Contact').create({ FirstName: 'No last name' }));
    const tooLong = await caught(conn.sobject('Contact').create({ LastName: 'x'.repeat(81) }));
    const malformed = await caught(conn.query("SELECT Id FROM Contact WHERE LastName = 'bad\\q'"));
    const readonly = await login('readonly@acme.example');
    const noAccess = await caught(readonly.sobject('Contact').create({ LastName: 'Nope' }));
    const inactiveOwner = await caught(conn.sobject('Lead').create({ LastName: 'L', Company: 'C', OwnerId: (await conn.query("SELECT Id FROM User WHERE Username = 'gone@acme.example'")).records[0].Id }));
    await admin('settings', { api_limit: 1 });
    const limit = await caught(conn.query('SELECT Id FROM Contact'));
    await admin('settings', { api_limit: 15000 });
    return { duplicate, required, tooLong, malformed, noAccess, inactiveOwner, limit };
  },

  async sessionExpiry() {
    const conn = await login();
    const bare = new jsforce.Connection({ instanceUrl: conn.instanceUrl, accessToken: conn.accessToken, version: VERSION });
    const before = await bare.query('SELECT Id FROM User LIMIT 1');
    const oldToken = conn.accessToken;
    await admin('expire-tokens');
    const expired = await caught(bare.query('SELECT Id FROM User LIMIT 1'));
    // A connection that logged in with a password logs in again by itself (jsforce's refresh).
    const again = await conn.query('SELECT Id FROM User LIMIT 1');
    return { before: before.totalSize, expired, again: again.totalSize, tokenChanged: conn.accessToken !== oldToken };
  },
});
