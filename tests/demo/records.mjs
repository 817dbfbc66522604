// Reading the demo's results back from the sandbox org: the seeded users (to turn ids into
// "Name <email>") and the Contacts and Tasks the story created, as printable tables.
import { table } from './narrate.mjs';

/** The sandbox's Salesforce users by id: {id → {name, email, active}}. */
export async function seededUsers(sandbox) {
  const { records } = await sandbox.records('User');
  const users = new Map();
  for (const u of records) users.set(u.Id, { name: u.Name, email: u.Email, active: u.IsActive !== false });
  return users;
}

/** "Rita Rep <rep@acme.example>" for a user id, or the id itself when it is not a user. */
export function userLabel(users, id) {
  const u = id ? users.get(id) : null;
  return u ? `${u.name} <${u.email}>` : String(id || '—');
}

/** The Contacts table: Name, Email, Owner, Created By. */
export function contactTable(contacts, users) {
  return table(['Contact', 'Email', 'Owner', 'Created By'], contacts.map((c) => [
    [c.FirstName, c.LastName].filter(Boolean).join(' '), c.Email || '—',
    userLabel(users, c.OwnerId), userLabel(users, c.CreatedById),
  ]));
}

/** The Tasks table: Subject, Subtype, Who (the contact's name), Owner, Created By. */
export function taskTable(tasks, contacts, users) {
  const names = new Map(contacts.map((c) => [c.Id, [c.FirstName, c.LastName].filter(Boolean).join(' ')]));
  return table(['Task', 'Subtype', 'Who', 'Owner', 'Created By'], tasks.map((t) => [
    t.Subject || '—', t.TaskSubtype || '—', names.get(t.WhoId) || t.WhoId || '—',
    userLabel(users, t.OwnerId), userLabel(users, t.CreatedById),
  ]));
}

/** The seeded logins, one line each. */
export function loginLines(users) {
  return [...users.values()].map((u) => `${u.email.padEnd(26)} ${u.name}${u.active ? '' : ' (inactive)'}`);
}
