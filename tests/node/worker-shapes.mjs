// The shapes the worker stores and hands the core, for the core's Node tests
// (core-node.test.mjs) and its fuzz suite (fuzz-core.test.mjs): one Salesforce team with the
// integration user as team sync and the rep connected too, and their tokens.

/** A team as the worker stores it. */
export const team = {
  config: { crm: 'salesforce', login_host: 'production', client_id: 'leadline-sandbox-client', me_email: 'rep@acme.example' },
  settings: { record_kind: 'contact', match_account: false, log_emails: true },
  connections: [
    { role: 'team_sync', crm_user_id: '005I', name: 'Integration', email: 'integration@acme.example', permission: 'admin', instance_url: 'https://acme.my.salesforce.com' },
    { role: 'personal', crm_user_id: '005R', name: 'Rita Rep', email: 'rep@acme.example', permission: 'standard', instance_url: 'https://acme.my.salesforce.com' },
  ],
  crm_users: [
    { id: '005I', name: 'Integration', email: 'integration@acme.example', active: true },
    { id: '005R', name: 'Rita Rep', email: 'rep@acme.example', active: true },
  ],
};

/** The tokens the worker holds for it (made up; a plan or a result must never carry them). */
export const tokens = {
  team_sync: { access_token: 'TEAM-SECRET', refresh_token: 'TEAM-REFRESH', instance_url: 'https://acme.my.salesforce.com', id: 'x' },
  personal: { access_token: 'REP-SECRET', refresh_token: 'REP-REFRESH', instance_url: 'https://acme.my.salesforce.com', id: 'y' },
};
