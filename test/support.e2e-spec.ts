import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { freePort } from '../deploy/local/infrastructure.mjs';
import {
  api,
  closeStores,
  collect,
  connectSocket,
  database,
  documentsOfAccount,
  eventually,
  newAccountId,
  newMember,
  restartApp,
  startExtraInstance,
  type TestMember,
} from '@parley/testing';

const ADMIN = ['conversation', 'conversation.support', 'conversation.admin'];
const AGENT = ['conversation', 'conversation.support'];

interface SupportTeam {
  accountId: string;
  admin: TestMember;
  agents: TestMember[];
}

async function supportTeam(size: number): Promise<SupportTeam> {
  const accountId = newAccountId();
  const admin = await newMember(accountId, ADMIN);
  const agents: TestMember[] = [];
  for (let index = 0; index < size; index++) agents.push(await newMember(accountId, AGENT));
  return { accountId, admin, agents };
}

async function createInbox(admin: TestMember, body: Record<string, unknown>): Promise<string> {
  const created = await api('POST', '/v1/support/inboxes', { token: admin.token, body });
  if (created.status !== 201) throw new Error(`POST /v1/support/inboxes answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body.id;
}

let phoneCounter = 0;
/** A fresh customer number, unique to this run. */
function newPhone(): string {
  phoneCounter += 1;
  return `+1555${String(Date.now() % 1_000_000).padStart(6, '0')}${String(phoneCounter).padStart(4, '0')}`.slice(0, 16);
}

/**
 * Opens (or finds) a contact's support room as a client would: a 503 (the gateway shedding a
 * burst) is retried after its Retry-After, and a 504 (no answer in time: on a slow day, 100 opens
 * at once outlast the gateway's 10 s) is retried at once with the same contact when it carries no
 * first message. An open is keyed by its contact, so the retry answers the room the first attempt
 * made (200) or makes it (201), never a second one; a first message would be posted a second time.
 */
async function openRoom(token: string, inboxId: string, contact: Record<string, unknown> = { phone: newPhone() }, content?: string) {
  for (;;) {
    const response = await api('POST', '/v1/support/rooms', { token, body: { inbox_id: inboxId, contact, ...(content ? { content } : {}) } });
    if (response.status === 504 && content === undefined) continue;
    if (response.status !== 503) return response;
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? '1') * 1000));
  }
}

/** The room's support state once routing has given it an assignee (as the room shows it). */
async function assigned(roomId: string, token: string) {
  const room = await eventually(
    () => api('GET', `/v1/rooms/${roomId}`, { token }),
    (response) => response.status === 200 && response.body.support?.assignee !== null,
    `room ${roomId} assigned`,
  );
  return room.body.support;
}

describe('support inbox', () => {
  const sockets: Socket[] = [];
  const online = async (member: TestMember, admin: TestMember): Promise<Socket> => {
    const socket = await connectSocket(member.token);
    sockets.push(socket);
    // Routing reads presence as rooms keeps it (from realtime's sockets).
    const conversations = (await database()).collection('conversations');
    await eventually(
      () => conversations.findOne({ account_id: admin.accountId, user_id: member.userId }),
      (conversation) => conversation?.status === 'online',
      'the member online',
    );
    return socket;
  };
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(closeStores);

  describe('inboxes', () => {
    it('lets an admin create, read, change and delete an inbox, and agents read it', async () => {
      const { admin, agents } = await supportTeam(2);
      const created = await api('POST', '/v1/support/inboxes', {
        token: admin.token,
        body: { name: 'Sales', members: [agents[0].conversationId], capacity: 3, channels: { phone_numbers: ['+14155550100'], email_addresses: ['Sales@Example.com'] } },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Sales',
        capacity: 3,
        members: [{ conversation_id: agents[0].conversationId, capacity: null }],
        channels: { phone_numbers: ['+14155550100'], email_addresses: ['sales@example.com'] },
      });
      const id = created.body.id;
      expect((await api('GET', '/v1/support/inboxes', { token: agents[0].token })).body.data.map((inbox: { id: string }) => inbox.id)).toEqual([id]);
      const added = await api('POST', `/v1/support/inboxes/${id}/members`, { token: admin.token, body: { conversationId: agents[1].conversationId, capacity: 1 } });
      expect(added.status).toBe(200);
      expect(added.body.members).toEqual([
        { conversation_id: agents[0].conversationId, capacity: null },
        { conversation_id: agents[1].conversationId, capacity: 1 },
      ]);
      const patched = await api('PATCH', `/v1/support/inboxes/${id}`, { token: admin.token, body: { name: 'Sales EU', capacity: null } });
      expect(patched.body).toMatchObject({ name: 'Sales EU', capacity: null });
      const removed = await api('DELETE', `/v1/support/inboxes/${id}/members/${agents[0].conversationId}`, { token: admin.token });
      expect(removed.body.members.map((member: { conversation_id: string }) => member.conversation_id)).toEqual([agents[1].conversationId]);
      expect((await api('DELETE', `/v1/support/inboxes/${id}`, { token: admin.token })).status).toBe(204);
      expect((await api('GET', `/v1/support/inboxes/${id}`, { token: admin.token })).status).toBe(404);
      const stored = await (await database()).collection('support.inboxes').findOne({ name: 'Sales EU', account_id: admin.accountId });
      expect(stored?.deleted).toBe(true);
    });

    it('refuses a second inbox of the same name, phone number or address in the account with 409; a deleted one frees them', async () => {
      const { admin } = await supportTeam(0);
      const first = await createInbox(admin, { name: 'Billing', members: [], channels: { phone_numbers: ['+14155550111'], email_addresses: ['billing@example.com'] } });
      const sameName = await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: 'BILLING', members: [] } });
      const sameNumber = await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: 'Other', members: [], channels: { phone_numbers: ['+14155550111'] } } });
      const sameAddress = await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: 'Third', members: [], channels: { email_addresses: ['billing@example.com'] } } });
      expect([sameName.status, sameNumber.status, sameAddress.status]).toEqual([409, 409, 409]);
      expect(sameNumber.body.message).toMatch(/phone number/);
      expect(sameAddress.body.message).toMatch(/email address/);
      // Two inboxes without channels do not clash on their empty lists.
      expect((await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: 'Plain one', members: [] } })).status).toBe(201);
      expect((await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: 'Plain two', members: [] } })).status).toBe(201);
      await api('DELETE', `/v1/support/inboxes/${first}`, { token: admin.token });
      expect((await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: 'billing', members: [], channels: { phone_numbers: ['+14155550111'] } } })).status).toBe(201);
    });

    it('refuses a phone number or address an inbox of another account holds with 409 naming the field, and writes nothing', async () => {
      const { admin } = await supportTeam(0);
      const { admin: intruder, accountId: intruderAccount } = await supportTeam(0);
      const phone = newPhone();
      const address = `help-${phone.slice(1)}@acme.example`;
      await createInbox(admin, { name: 'Help', members: [], channels: { phone_numbers: [phone], email_addresses: [address] } });
      const before = await documentsOfAccount(intruderAccount);
      const number = await api('POST', '/v1/support/inboxes', { token: intruder.token, body: { name: 'Steal', members: [], channels: { phone_numbers: [phone] } } });
      const mail = await api('POST', '/v1/support/inboxes', { token: intruder.token, body: { name: 'Steal', members: [], channels: { email_addresses: [address.toUpperCase()] } } });
      expect([number.status, mail.status]).toEqual([409, 409]);
      expect(number.body.details.map((detail: { field: string }) => detail.field)).toEqual(['channels.phone_numbers']);
      expect(mail.body.details.map((detail: { field: string }) => detail.field)).toEqual(['channels.email_addresses']);
      expect(JSON.stringify([number.body, mail.body])).not.toContain(admin.accountId);
      expect(await documentsOfAccount(intruderAccount)).toEqual(before);
      // Nor by changing an inbox it has.
      const own = await createInbox(intruder, { name: 'Own', members: [] });
      const patched = await api('PATCH', `/v1/support/inboxes/${own}`, { token: intruder.token, body: { channels: { phone_numbers: [phone] } } });
      expect(patched.status).toBe(409);
      expect(patched.body.details[0].field).toBe('channels.phone_numbers');
    });

    it('answers 422 for a member from another account, 400 naming a bad field, 403 without the admin scope, and writes nothing', async () => {
      const { admin, agents, accountId } = await supportTeam(1);
      const stranger = await newMember(newAccountId(), ADMIN);
      const before = await documentsOfAccount(accountId);
      const foreign = await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: 'X', members: [stranger.conversationId] } });
      expect(foreign.status).toBe(422);
      expect(foreign.body.details[0].field).toBe('members');
      const badNumber = await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: 'X', members: [], channels: { phone_numbers: ['555-0100'] } } });
      expect(badNumber.status).toBe(400);
      expect(JSON.stringify(badNumber.body.details)).toMatch(/phone_numbers/);
      const notAdmin = await api('POST', '/v1/support/inboxes', { token: agents[0].token, body: { name: 'X', members: [] } });
      expect(notAdmin.status).toBe(403);
      const chatOnly = await newMember(accountId);
      expect((await api('GET', '/v1/support/inboxes', { token: chatOnly.token })).status).toBe(403);
      expect((await api('GET', '/v1/support/rooms', { token: chatOnly.token })).status).toBe(403);
      expect(await (await database()).collection('support.inboxes').countDocuments({ account_id: accountId })).toBe(0);
      expect((await documentsOfAccount(accountId))['conversations.rooms']).toBe(before['conversations.rooms']);
      const theirs = await createInbox(stranger, { name: 'Theirs', members: [] });
      for (const call of [
        api('GET', `/v1/support/inboxes/${theirs}`, { token: admin.token }),
        api('PATCH', `/v1/support/inboxes/${theirs}`, { token: admin.token, body: { name: 'Mine now' } }),
      ]) {
        expect((await call).status).toBe(404);
      }
      // Named in a body rather than the path: the body cannot be done, as for an inbox that does not exist.
      expect((await api('POST', '/v1/support/rooms', { token: admin.token, body: { inbox_id: theirs, contact: { phone: newPhone() } } })).status).toBe(422);
      expect((await api('GET', `/v1/support/inboxes/${theirs}`, { token: stranger.token })).body.name).toBe('Theirs');
      expect(await (await database()).collection('conversations.rooms').countDocuments({ account_id: accountId })).toBe(before['conversations.rooms']);
    });

    it('reads inbox names as channel names are read: one Unicode form, and a 422 naming name for one that shows nothing or holds control characters, writing nothing', async () => {
      const { admin, accountId } = await supportTeam(0);
      const created = await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: ' Cafe\u0301 desk ', members: [] } });
      expect(created.status).toBe(201);
      expect(created.body.name).toBe('Caf\u00e9 desk');
      for (const name of ['\u200b', '\u200b\u2060 ', 'a\u0000b', 'V\u202eIP', 'x\u2066y']) {
        const refused = await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name, members: [] } });
        expect([name, refused.status, refused.body.details?.[0]?.field]).toEqual([name, 422, 'name']);
        const renamed = await api('PATCH', `/v1/support/inboxes/${created.body.id}`, { token: admin.token, body: { name } });
        expect([name, renamed.status, renamed.body.details?.[0]?.field]).toEqual([name, 422, 'name']);
      }
      expect(await (await database()).collection('support.inboxes').find({ account_id: accountId }).map((inbox) => inbox.name).toArray()).toEqual(['Caf\u00e9 desk']);
    });
  });

  describe('routing', () => {
    it('gives a new room to the least busy online member, explains it, and tells the assignee on every device', async () => {
      const { admin, agents } = await supportTeam(3);
      const [ann, ben, cat] = agents;
      const inbox = await createInbox(admin, { name: 'Help', members: agents.map((agent) => agent.conversationId) });
      const annSocket = await online(ann, admin);
      const annPhone = await connectSocket(ann.token);
      sockets.push(annPhone);
      await online(ben, admin);
      const annAssigned = collect(annSocket, 'support_assigned');
      const annPhoneAssigned = collect(annPhone, 'support_assigned');

      const first = await openRoom(admin.token, inbox, { name: 'Dana', phone: newPhone() }, 'My order is late');
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ type: 'support', support: { inbox_id: inbox, status: 'open', contact: { name: 'Dana' } } });
      expect(first.body.message).toMatchObject({ content: 'My order is late', conversation_id: null, contact: { name: 'Dana' }, source: 'chat' });
      const support = await assigned(first.body.id, admin.token);
      expect(support.assignee).toBe(ann.conversationId);
      expect(support.assignment.rule).toBe('least_busy_online');
      const reasons = Object.fromEntries(support.assignment.candidates.map((candidate: { conversation_id: string; passed_because: string | null }) => [candidate.conversation_id, candidate.passed_because]));
      expect(reasons[ann.conversationId]).toBeNull();
      expect(reasons[ben.conversationId]).toMatch(/assigned more recently|busier/);
      expect(reasons[cat.conversationId]).toBe('offline');
      await eventually(() => annAssigned.length + annPhoneAssigned.length, (count) => count === 2, 'support_assigned on both of Ann\'s devices');
      expect(annAssigned[0]).toEqual({ event: 'support_assigned', room_id: first.body.id, inbox_id: inbox, assignee: ann.conversationId, rule: 'least_busy_online' });

      // The assignee is a member: the room is in their list.
      const annRooms = await api('GET', '/v1/rooms?type=support', { token: ann.token });
      expect(annRooms.body.data.map((room: { id: string }) => room.id)).toEqual([first.body.id]);

      const second = await openRoom(admin.token, inbox);
      expect((await assigned(second.body.id, admin.token)).assignee).toBe(ben.conversationId);
    });

    it("names the opener's user and conversation as the actor of the room's and the contact's message's events", async () => {
      const { admin, agents } = await supportTeam(1);
      const inbox = await createInbox(admin, { name: 'Help', members: [agents[0].conversationId] });
      const opened = await openRoom(admin.token, inbox, { name: 'Ivy', phone: newPhone() }, 'Is it in stock?');
      const db = await database();
      const envelopeOf = (outbox: string, type: string) =>
        db.collection(outbox).findOne({ 'envelope.type': type, 'envelope.key': opened.body.id }).then((entry) => entry?.envelope);
      const opener = { userId: admin.userId, conversationId: admin.conversationId };
      expect((await envelopeOf('rooms.outbox', 'parley.room.created'))?.actor).toEqual(opener);
      expect((await envelopeOf('messaging.outbox', 'parley.message.created'))?.actor).toEqual(opener);
      expect((await envelopeOf('messaging.outbox', 'parley.message.created'))?.data.message.conversation_id).toBeNull();
    });

    it('lands a second message of a contact in their open room, and opens a new room once it is resolved', async () => {
      const { admin, agents } = await supportTeam(1);
      const inbox = await createInbox(admin, { name: 'Help', members: [agents[0].conversationId] });
      const contact = { name: 'Eve', email: 'eve@example.com' };
      const first = await openRoom(admin.token, inbox, contact, 'Hello?');
      const again = await openRoom(admin.token, inbox, { email: 'EVE@example.com' }, 'Anyone there?');
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      const messages = await eventually(
        () => api('GET', `/v1/rooms/${first.body.id}/messages`, { token: agents[0].token }),
        (response) => response.status === 200,
        'the assignee reads the room',
      );
      expect(messages.body.data.map((message: { content: string }) => message.content)).toEqual(['Anyone there?', 'Hello?']);
      await assigned(first.body.id, admin.token);
      expect((await api('POST', `/v1/support/rooms/${first.body.id}/resolve`, { token: agents[0].token })).status).toBe(200);
      const third = await eventually(
        () => openRoom(admin.token, inbox, contact),
        (response) => response.status === 201,
        'a new room once the first is resolved',
      );
      expect(third.body.id).not.toBe(first.body.id);
    });

    it('takes a known contact from the CRM (read, never written) and answers 422 naming contact.id for an unknown one', async () => {
      const { admin, agents, accountId } = await supportTeam(1);
      const inbox = await createInbox(admin, { name: 'CRM', members: [agents[0].conversationId] });
      const contacts = (await database()).collection('crm.contacts');
      const { insertedId } = await contacts.insertOne({ account_id: accountId, name: 'Frank Known', phone: '+14155550199', email: 'frank@example.com' });
      const opened = await openRoom(admin.token, inbox, { id: insertedId.toHexString() }, 'Hi, Frank here');
      expect(opened.status).toBe(201);
      expect(opened.body).toMatchObject({ name: 'Frank Known', support: { contact: { id: insertedId.toHexString(), name: 'Frank Known', phone: '+14155550199', email: 'frank@example.com' } } });
      const unknown = await openRoom(admin.token, inbox, { id: '0123456789abcdef01234567' });
      expect(unknown.status).toBe(422);
      expect(unknown.body.details[0].field).toBe('contact.id');
      const nobody = await openRoom(admin.token, inbox, { name: 'No way to reach me' });
      expect(nobody.status).toBe(400);
      expect(JSON.stringify(nobody.body)).toMatch(/contact/);
      expect(await contacts.countDocuments({ account_id: accountId })).toBe(1);
    });

    it('takes a contact the CRM keys by something other than an ObjectId as unknown, rather than failing the open with a 500', async () => {
      const { admin, agents, accountId } = await supportTeam(1);
      const inbox = await createInbox(admin, { name: 'CRM ids', members: [agents[0].conversationId] });
      const phone = newPhone();
      await (await database()).collection<{ _id: string }>('crm.contacts').insertOne({ _id: `crm-${phone}`, account_id: accountId, name: 'Zoe Stringid', phone } as never);
      const opened = await openRoom(admin.token, inbox, { phone }, 'text from Zoe');
      expect(opened.status).toBe(201);
      expect(opened.body.support.contact).toEqual({ phone });
    });

    it('refuses a contact name that shows nothing or holds control characters or text-direction overrides with a 422 naming contact.name, opening nothing', async () => {
      const { admin, agents, accountId } = await supportTeam(1);
      const inbox = await createInbox(admin, { name: 'Names', members: [agents[0].conversationId] });
      const before = await documentsOfAccount(accountId);
      for (const name of ['\u202eevil\u0000', '\u200b', 'Dana\u0007']) {
        const refused = await openRoom(admin.token, inbox, { name, phone: newPhone() }, 'hello');
        expect([name, refused.status, refused.body.details?.[0]?.field]).toEqual([name, 422, 'contact.name']);
      }
      expect(await documentsOfAccount(accountId)).toEqual(before);
      const opened = await openRoom(admin.token, inbox, { name: ' Rene\u0301 ', phone: newPhone() }, 'hello');
      expect(opened.status).toBe(201);
      expect(opened.body).toMatchObject({ name: 'Ren\u00e9', support: { contact: { name: 'Ren\u00e9' } } });
    });

    it('answers 422 naming assignee for listing rooms by a conversation not in the caller\'s account, and lists by one that is', async () => {
      const { admin, agents } = await supportTeam(1);
      const inbox = await createInbox(admin, { name: 'Assignees', members: [agents[0].conversationId] });
      const stranger = await newMember(newAccountId(), AGENT);
      for (const assignee of [stranger.conversationId, '0123456789abcdef01234567']) {
        const refused = await api('GET', `/v1/support/rooms?inbox_id=${inbox}&assignee=${assignee}`, { token: admin.token });
        expect([assignee, refused.status, refused.body.details?.[0]?.field]).toEqual([assignee, 422, 'assignee']);
      }
      const opened = await openRoom(admin.token, inbox, { phone: newPhone() }, 'hello');
      await assigned(opened.body.id, admin.token);
      const theirs = await api('GET', `/v1/support/rooms?inbox_id=${inbox}&assignee=${agents[0].conversationId}`, { token: admin.token });
      expect(theirs.body.data.map((room: { id: string }) => room.id)).toEqual([opened.body.id]);
    });

    it('pages support rooms forward by cursor, previous always null, and documents them so', async () => {
      const { admin, agents } = await supportTeam(1);
      const inbox = await createInbox(admin, { name: 'Pages', members: [agents[0].conversationId] });
      for (let index = 0; index < 3; index++) expect((await openRoom(admin.token, inbox, { phone: newPhone() }, `room ${index}`)).status).toBe(201);
      const first = await api('GET', `/v1/support/rooms?inbox_id=${inbox}&limit=2`, { token: admin.token });
      expect([first.body.data.length, first.body.previous]).toEqual([2, null]);
      const rest = await api('GET', `/v1/support/rooms?inbox_id=${inbox}&limit=2&cursor=${encodeURIComponent(first.body.next)}`, { token: admin.token });
      expect([rest.body.data.length, rest.body.next, rest.body.previous]).toEqual([1, null, null]);
      const { paths } = (await api('GET', '/swagger/json')).body;
      const { next, previous } = paths['/v1/support/rooms'].get.responses['200'].content['application/json'].schema.properties;
      expect(next.description).toMatch(/pass as cursor/);
      expect(previous.description).toMatch(/always null/i);
      expect(`${next.description} ${previous.description}`).not.toMatch(/before|after/);
    });

    it('opens one room when the same contact writes twenty times at once', async () => {
      const { admin, agents } = await supportTeam(1);
      const inbox = await createInbox(admin, { name: 'Help', members: [agents[0].conversationId] });
      const phone = newPhone();
      const opens = await Promise.all(Array.from({ length: 20 }, (_, index) => openRoom(admin.token, inbox, { phone }, `message ${index}`)));
      expect(new Set(opens.map((open) => open.body.id)).size).toBe(1);
      expect(opens.filter((open) => open.status === 201)).toHaveLength(1);
      const stored = await (await database()).collection('conversations.messages').countDocuments({ room_id: { $exists: true }, 'contact.phone': phone });
      expect(stored).toBe(20);
    });

    it('goes round robin when nobody is online, with a pointer that survives a restart of support-routing', async () => {
      const { admin, agents } = await supportTeam(2);
      const inbox = await createInbox(admin, { name: 'Nights', members: agents.map((agent) => agent.conversationId) });
      const assignees: string[] = [];
      for (let index = 0; index < 3; index++) {
        const room = await openRoom(admin.token, inbox);
        const support = await assigned(room.body.id, admin.token);
        expect(support.assignment.rule).toBe('round_robin');
        assignees.push(support.assignee);
      }
      expect(assignees).toEqual([agents[0].conversationId, agents[1].conversationId, agents[0].conversationId]);
      await restartApp('support-routing');
      const after = await openRoom(admin.token, inbox);
      expect((await assigned(after.body.id, admin.token)).assignee).toBe(agents[1].conversationId);
    });

    it('keeps a room waiting when the online members are at capacity and assigns it from the backlog when someone comes online', async () => {
      const { admin, agents } = await supportTeam(2);
      const [ann, ben] = agents;
      const inbox = await createInbox(admin, { name: 'Small', members: [ann.conversationId, ben.conversationId], capacity: 1 });
      await online(ann, admin);
      const first = await openRoom(admin.token, inbox);
      expect((await assigned(first.body.id, admin.token)).assignee).toBe(ann.conversationId);
      const second = await openRoom(admin.token, inbox);
      const waiting = await eventually(
        () => api('GET', `/v1/support/rooms?inbox_id=${inbox}&waiting=true`, { token: admin.token }),
        (response) => response.body.data?.length === 1,
        'one waiting room',
      );
      expect(waiting.body.data[0]).toMatchObject({ id: second.body.id, support: { assignee: null, status: 'open' } });
      expect((await api('GET', `/v1/support/inboxes/${inbox}/stats`, { token: admin.token })).body).toMatchObject({ open: 1, waiting: 1, resolved: 0 });

      const benSocket = await connectSocket(ben.token);
      sockets.push(benSocket);
      const benAssigned = collect(benSocket, 'support_assigned');
      const support = await assigned(second.body.id, admin.token);
      expect(support).toMatchObject({ assignee: ben.conversationId, assignment: { rule: 'backlog' } });
      await eventually(() => benAssigned, (events) => events.some((event) => event.room_id === second.body.id), 'support_assigned to Ben');
    });

    it('assigns waiting rooms oldest first when capacity frees, and survives a restart while they wait', async () => {
      const { admin, agents } = await supportTeam(1);
      const [ann] = agents;
      const inbox = await createInbox(admin, { name: 'Tiny', members: [ann.conversationId], capacity: 1 });
      const first = await openRoom(admin.token, inbox);
      await assigned(first.body.id, admin.token);
      const older = await openRoom(admin.token, inbox);
      const newer = await openRoom(admin.token, inbox);
      await eventually(
        () => api('GET', `/v1/support/inboxes/${inbox}/stats`, { token: admin.token }),
        (response) => response.body.waiting === 2,
        'two waiting rooms',
      );
      await restartApp('support-routing');
      expect((await api('POST', `/v1/support/rooms/${first.body.id}/resolve`, { token: ann.token })).status).toBe(200);
      expect((await assigned(older.body.id, admin.token)).assignment.rule).toBe('backlog');
      const stillWaiting = await api('GET', `/v1/rooms/${newer.body.id}`, { token: admin.token });
      expect(stillWaiting.body.support.assignee).toBeNull();
      // More capacity takes the next one.
      await api('POST', `/v1/support/inboxes/${inbox}/members`, { token: admin.token, body: { conversationId: ann.conversationId, capacity: 2 } });
      expect((await assigned(newer.body.id, admin.token)).assignee).toBe(ann.conversationId);
    });

    it('spreads 100 rooms opened at once over three online members 34/33/33, each room with exactly one assignee', async () => {
      const { admin, agents, accountId } = await supportTeam(3);
      const inbox = await createInbox(admin, { name: 'Rush', members: agents.map((agent) => agent.conversationId) });
      const received: { room_id: string }[][] = [];
      for (const agent of agents) received.push(collect(await online(agent, admin), 'support_assigned'));
      const seen = () => received.flat();
      const opens = await Promise.all(Array.from({ length: 100 }, () => openRoom(admin.token, inbox)));
      expect(opens.map((open) => open.status).filter((status) => status !== 201 && status !== 200)).toEqual([]);
      expect(new Set(opens.map((open) => open.body.id)).size).toBe(100);
      await expectFairSpread(accountId, agents, 100);
      await eventually(() => seen().length, (count) => count >= 100, '100 support_assigned pushes');
      expect(new Set(seen().map((event) => event.room_id)).size).toBe(100);
      expect(seen()).toHaveLength(100);
    });

    it('with two support-routing instances, still assigns no room twice and skips no member', async () => {
      const second = await startExtraInstance('support-routing', await freePort());
      try {
        const { admin, agents, accountId } = await supportTeam(3);
        // Both instances share the partitions before the burst.
        await eventually(
          () => api('GET', '/admin/health', { token: admin.token }),
          (response) => response.body.apps?.['support-routing']?.instances === 2 && response.body.apps['support-routing'].group === 'Stable',
          'two support-routing instances in a stable group',
        );
        const inbox = await createInbox(admin, { name: 'Twins', members: agents.map((agent) => agent.conversationId) });
        for (const agent of agents) await online(agent, admin);
        const opens = await Promise.all(Array.from({ length: 100 }, () => openRoom(admin.token, inbox)));
        expect(opens.map((open) => open.status).filter((status) => status !== 201 && status !== 200)).toEqual([]);
        expect(new Set(opens.map((open) => open.body.id)).size).toBe(100);
        await expectFairSpread(accountId, agents, 100);
        const events = await (await database()).collection('support-routing.outbox').countDocuments({ 'envelope.accountId': accountId, 'envelope.type': 'parley.support.assigned' });
        expect(events).toBe(100);
      } finally {
        await second.stop();
      }
    });
  });

  describe('working a room', () => {
    it("lets an agent open a contact's room only in an inbox they work, and never answers them a room of another inbox, writing nothing when refused", async () => {
      const { admin, agents, accountId } = await supportTeam(2);
      const [ann, ben] = agents;
      const annsInbox = await createInbox(admin, { name: 'Ann’s', members: [ann.conversationId] });
      const bensInbox = await createInbox(admin, { name: 'Ben’s', members: [ben.conversationId] });
      const contact = { name: 'Dana', phone: newPhone() };
      const before = await documentsOfAccount(accountId);
      const notHis = await openRoom(ben.token, annsInbox, contact, 'written by Ben as Dana');
      expect([notHis.status, notHis.body.code, notHis.body.message]).toEqual([403, 'FORBIDDEN', 'You are not a member of this inbox']);
      expect(await documentsOfAccount(accountId)).toEqual(before);

      const opened = await openRoom(ann.token, annsInbox, contact, 'My order is late');
      expect(opened.status).toBe(201);
      await eventually(() => api('GET', `/v1/rooms/${opened.body.id}/messages`, { token: ann.token }), (page) => page.body.data?.length === 1, 'the contact’s first message');
      // Settled once rooms has counted the message and mirrored the assignment (each writes a room.updated).
      await eventually(
        () => api('GET', `/v1/rooms/${opened.body.id}`, { token: ann.token }),
        (room) => room.body.last_message_id !== null && room.body.support?.assignee === ann.conversationId,
        'the room with its last message and assignee',
      );
      const settled = await documentsOfAccount(accountId);
      // Dana's open room is in Ann's inbox: Ben opening her in his own gets neither it nor a word into it.
      const elsewhere = await openRoom(ben.token, bensInbox, contact, 'appended by Ben');
      expect([elsewhere.status, elsewhere.body.support, elsewhere.body.message]).toEqual([403, undefined, 'This contact has an open conversation in an inbox you are not a member of']);
      expect(await documentsOfAccount(accountId)).toEqual(settled);
      // An admin works every inbox.
      expect((await openRoom(admin.token, bensInbox, contact)).body.id).toBe(opened.body.id);
    });

    it('lets the other inbox members read and write a room without being members, and keeps private notes to the team', async () => {
      const { admin, agents } = await supportTeam(2);
      const [ann, ben] = agents;
      const outsider = await newMember(admin.accountId, AGENT);
      const inbox = await createInbox(admin, { name: 'Team', members: [ann.conversationId, ben.conversationId] });
      await online(ann, admin);
      const benSocket = await connectSocket(ben.token);
      sockets.push(benSocket);
      const benMessages = collect(benSocket, 'new_message');
      const room = await openRoom(admin.token, inbox, { phone: newPhone() }, 'Hi team');
      expect((await assigned(room.body.id, admin.token)).assignee).toBe(ann.conversationId);

      const seenByBen = await api('GET', `/v1/rooms/${room.body.id}`, { token: ben.token });
      expect(seenByBen.status).toBe(200);
      expect(seenByBen.body.members.map((member: { conversation_id: string }) => member.conversation_id)).toEqual([ann.conversationId]);
      const note = await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: ben.token, body: { content: 'VIP customer', private: true } });
      expect(note.status).toBe(201);
      expect(note.body).toMatchObject({ private: true, conversation_id: ben.conversationId });
      const history = await api('GET', `/v1/rooms/${room.body.id}/messages`, { token: ben.token });
      expect(history.body.data.map((message: { content: string }) => message.content)).toEqual(['VIP customer', 'Hi team']);
      await eventually(() => benMessages, (pushed) => pushed.some((push) => push.message.content === 'VIP customer' && push.message.private === true), 'the note pushed to the team');
      // Search covers the rooms Ben works through the inbox, not only those he is a member of.
      const found = await api('GET', '/v1/search?q=VIP', { token: ben.token });
      expect(found.body.data.map((message: { id: string }) => message.id)).toEqual([note.body.id]);
      expect((await api('GET', '/v1/search?q=VIP', { token: outsider.token })).body.data).toEqual([]);

      expect((await api('GET', `/v1/rooms/${room.body.id}`, { token: outsider.token })).status).toBe(403);
      expect((await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: outsider.token, body: { content: 'let me in' } })).status).toBe(403);
      expect((await api('GET', `/v1/support/rooms`, { token: ben.token })).body.data.map((entry: { id: string }) => entry.id)).toEqual([room.body.id]);
      expect((await api('GET', `/v1/support/rooms`, { token: outsider.token })).body.data).toEqual([]);
      const direct = await api('POST', '/v1/rooms', { token: ann.token, body: { type: 'direct', member: ben.conversationId } });
      const wrongPlace = await api('POST', `/v1/rooms/${direct.body.id}/messages`, { token: ann.token, body: { content: 'psst', private: true } });
      expect(wrongPlace.status).toBe(422);
      expect(JSON.stringify(wrongPlace.body)).toMatch(/private/);
    });

    it('lets the inbox team and the assignee see each other typing in a support room, and nobody outside it', async () => {
      const { admin, agents } = await supportTeam(2);
      const [ann, ben] = agents;
      const outsider = await newMember(admin.accountId, AGENT);
      const inbox = await createInbox(admin, { name: 'Typists', members: [ann.conversationId, ben.conversationId] });
      const annSocket = await online(ann, admin);
      const room = await openRoom(admin.token, inbox, { phone: newPhone() }, 'Anyone there?');
      expect((await assigned(room.body.id, admin.token)).assignee).toBe(ann.conversationId);
      const benSocket = await connectSocket(ben.token);
      const outsiderSocket = await connectSocket(outsider.token);
      sockets.push(benSocket, outsiderSocket);
      const annSees = collect(annSocket, 'typing_indicator');
      const benSees = collect(benSocket, 'typing_indicator');
      const outsiderSees = collect(outsiderSocket, 'typing_indicator');

      // Ben is in the inbox, not in the room: he works it, so he types in it.
      expect(await benSocket.emitWithAck('typing', { room_id: room.body.id })).toEqual({ ok: true });
      await eventually(() => annSees, (seen) => seen.some((event) => event.room_id === room.body.id && event.conversation_id === ben.conversationId), 'Ben typing, seen by Ann');
      expect(await annSocket.emitWithAck('typing', { room_id: room.body.id })).toEqual({ ok: true });
      await eventually(() => benSees, (seen) => seen.some((event) => event.room_id === room.body.id && event.conversation_id === ann.conversationId), 'Ann typing, seen by Ben');
      expect(await outsiderSocket.emitWithAck('typing', { room_id: room.body.id })).toEqual({ ok: false, error: 'not a member of this room' });
      expect(outsiderSees).toEqual([]);
      expect(annSees.filter((event) => event.conversation_id === ann.conversationId)).toEqual([]);
    });

    it('lets a team member delete for themselves a message sent before they joined the inbox: gone for them, there for the assignee', async () => {
      const { admin, agents } = await supportTeam(2);
      const [ann, ben] = agents;
      const inbox = await createInbox(admin, { name: 'Late joiner', members: [ann.conversationId] });
      await online(ann, admin);
      const room = await openRoom(admin.token, inbox, { phone: newPhone() }, 'Hi team');
      expect((await assigned(room.body.id, admin.token)).assignee).toBe(ann.conversationId);
      expect((await api('POST', `/v1/support/inboxes/${inbox}/members`, { token: admin.token, body: { conversationId: ben.conversationId } })).status).toBe(200);
      const contents = async (token: string) => (await api('GET', `/v1/rooms/${room.body.id}/messages`, { token })).body.data?.map((message: { content: string }) => message.content);
      await eventually(() => contents(ben.token), (seen) => seen?.[0] === 'Hi team', 'the room readable by Ben, who joined its inbox since');

      expect((await api('DELETE', `/v1/messages/${room.body.message.id}`, { token: ben.token })).status).toBe(204);
      expect(await contents(ben.token)).toEqual([]);
      expect((await api('GET', `/v1/messages/${room.body.message.id}/history`, { token: ben.token })).status).toBe(404);
      expect(await contents(ann.token)).toEqual(['Hi team']);
    });

    it('assigns by hand, resolves and reopens idempotently, with 409 and 422 where the state or the member cannot be', async () => {
      const { admin, agents } = await supportTeam(2);
      const [ann, ben] = agents;
      const stranger = await newMember(admin.accountId, AGENT);
      const inbox = await createInbox(admin, { name: 'Desk', members: [ann.conversationId, ben.conversationId] });
      await online(ann, admin);
      const room = await openRoom(admin.token, inbox);
      const roomId = room.body.id;
      await assigned(roomId, admin.token);

      const manual = await api('POST', `/v1/support/rooms/${roomId}/assign`, { token: ann.token, body: { conversationId: ben.conversationId } });
      expect(manual.status).toBe(200);
      expect(manual.body.support).toMatchObject({ assignee: ben.conversationId, assignment: { rule: 'manual' } });
      const twice = await api('POST', `/v1/support/rooms/${roomId}/assign`, { token: ann.token, body: { conversationId: ben.conversationId } });
      expect(twice.body.support.assignment.at).toBe(manual.body.support.assignment.at);
      await eventually(() => api('GET', `/v1/rooms/${roomId}`, { token: ben.token }), (response) => response.body.members?.[0]?.conversation_id === ben.conversationId, 'Ben the member');

      const notMember = await api('POST', `/v1/support/rooms/${roomId}/assign`, { token: ann.token, body: { conversationId: stranger.conversationId } });
      expect(notMember.status).toBe(422);
      expect(JSON.stringify(notMember.body)).toMatch(/conversationId/);

      const resolved = await api('POST', `/v1/support/rooms/${roomId}/resolve`, { token: ben.token });
      expect(resolved.body.support).toMatchObject({ status: 'resolved' });
      expect(resolved.body.support.resolved_at).not.toBeNull();
      const resolvedAgain = await api('POST', `/v1/support/rooms/${roomId}/resolve`, { token: ben.token });
      expect(resolvedAgain.body.support.resolved_at).toBe(resolved.body.support.resolved_at);
      expect((await api('POST', `/v1/support/rooms/${roomId}/assign`, { token: ann.token, body: { conversationId: ann.conversationId } })).status).toBe(409);

      const reopened = await api('POST', `/v1/support/rooms/${roomId}/reopen`, { token: ben.token });
      expect(reopened.body.support).toMatchObject({ status: 'open', assignee: ben.conversationId, resolved_at: null });
      expect((await api('POST', `/v1/support/rooms/${roomId}/reopen`, { token: ben.token })).status).toBe(200);

      // Ben leaves the inbox: his open room goes to whoever routing picks now.
      await api('DELETE', `/v1/support/inboxes/${inbox}/members/${ben.conversationId}`, { token: admin.token });
      await eventually(() => api('GET', `/v1/rooms/${roomId}`, { token: admin.token }), (response) => response.body.support?.assignee === ann.conversationId, 'rerouted to Ann');
      expect((await api('POST', `/v1/support/rooms/${roomId}/resolve`, { token: ben.token })).status).toBe(403);
    });

    it('refuses to reopen a room whose contact wrote again since (409 naming the open room), so both views keep one open room per contact', async () => {
      const { admin, agents } = await supportTeam(1);
      const [ann] = agents;
      const inbox = await createInbox(admin, { name: 'Again', members: [ann.conversationId] });
      await online(ann, admin);
      const contact = { phone: newPhone() };
      const first = (await openRoom(admin.token, inbox, contact, 'Where is my order?')).body.id;
      await assigned(first, admin.token);
      expect((await api('POST', `/v1/support/rooms/${first}/resolve`, { token: ann.token })).status).toBe(200);
      await eventually(() => api('GET', `/v1/rooms/${first}`, { token: admin.token }), (response) => response.body.support?.status === 'resolved', 'the room resolved');
      const second = await openRoom(admin.token, inbox, contact, 'Me again');
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first);
      await assigned(second.body.id, admin.token);

      const reopened = await api('POST', `/v1/support/rooms/${first}/reopen`, { token: ann.token });
      expect(reopened.status).toBe(409);
      expect(reopened.body.message).toContain(second.body.id);
      expect((await api('GET', `/v1/rooms/${first}`, { token: admin.token })).body.support.status).toBe('resolved');
      const open = (await api('GET', `/v1/support/rooms?inbox_id=${inbox}`, { token: admin.token })).body.data.filter((room: { support: { status: string } }) => room.support.status === 'open');
      expect(open.map((room: { id: string }) => room.id)).toEqual([second.body.id]);
      // Once that one is resolved too, the first can be reopened.
      expect((await api('POST', `/v1/support/rooms/${second.body.id}/resolve`, { token: ann.token })).status).toBe(200);
      const reopenedNow = await api('POST', `/v1/support/rooms/${first}/reopen`, { token: ann.token });
      expect(reopenedNow.status).toBe(200);
      expect(reopenedNow.body.support.status).toBe('open');
      await eventually(() => api('GET', `/v1/rooms/${first}`, { token: admin.token }), (response) => response.body.support?.status === 'open', 'the first room open in rooms too');
      const db = await database();
      expect(await db.collection('ops.dead_letters').countDocuments({ account_id: admin.accountId })).toBe(0);
    });

    it('takes an agent removed from an inbox out of its resolved rooms too: no history, no writing to the contact', async () => {
      const { admin, agents } = await supportTeam(2);
      const [ann, ben] = agents;
      const inbox = await createInbox(admin, { name: 'Leavers', members: [ann.conversationId] });
      await online(ann, admin);
      const roomId = (await openRoom(admin.token, inbox, { phone: newPhone() }, 'My order?')).body.id;
      expect((await assigned(roomId, admin.token)).assignee).toBe(ann.conversationId);
      expect((await api('POST', `/v1/support/rooms/${roomId}/resolve`, { token: ann.token })).status).toBe(200);
      expect((await api('POST', `/v1/support/inboxes/${inbox}/members`, { token: admin.token, body: { conversationId: ben.conversationId } })).status).toBe(200);

      expect((await api('DELETE', `/v1/support/inboxes/${inbox}/members/${ann.conversationId}`, { token: admin.token })).status).toBe(200);
      await eventually(() => api('GET', `/v1/rooms/${roomId}/messages`, { token: ann.token }), (response) => response.status === 403, 'Ann out of the resolved room');
      expect((await api('POST', `/v1/rooms/${roomId}/messages`, { token: ann.token, body: { content: 'hi again', source: 'sms' } })).status).toBe(403);
      expect((await api('GET', '/v1/rooms?type=support', { token: ann.token })).body.data).toEqual([]);
      const state = (await api('GET', `/v1/rooms/${roomId}`, { token: admin.token })).body.support;
      // Nor does the decision that chose Ann explain the room any more.
      expect(state).toMatchObject({ status: 'resolved', assignee: null, assignment: null });
      // Reopened, it goes to whoever works the inbox now.
      expect((await api('POST', `/v1/support/rooms/${roomId}/reopen`, { token: admin.token })).status).toBe(200);
      await online(ben, admin);
      expect((await assigned(roomId, admin.token)).assignee).toBe(ben.conversationId);
    });

    it('stops the live feed of a member taken out of an inbox and starts one for a member put in; resolving reaches the team live', async () => {
      const { admin, agents } = await supportTeam(3);
      const [ann, ben, cat] = agents;
      const inbox = await createInbox(admin, { name: 'Feed', members: [ann.conversationId, ben.conversationId] });
      await online(ann, admin);
      const roomId = (await openRoom(admin.token, inbox, { phone: newPhone() }, 'First')).body.id;
      expect((await assigned(roomId, admin.token)).assignee).toBe(ann.conversationId);
      const [benSocket, catSocket] = [await connectSocket(ben.token), await connectSocket(cat.token)];
      sockets.push(benSocket, catSocket);
      const [benMessages, benUpdates] = [collect(benSocket, 'new_message'), collect(benSocket, 'room_updated')];
      const [catMessages, catUpdates, catCreated] = [collect(catSocket, 'new_message'), collect(catSocket, 'room_updated'), collect(catSocket, 'room_created')];

      expect((await api('DELETE', `/v1/support/inboxes/${inbox}/members/${ben.conversationId}`, { token: admin.token })).status).toBe(200);
      expect((await api('POST', `/v1/support/inboxes/${inbox}/members`, { token: admin.token, body: { conversationId: cat.conversationId } })).status).toBe(200);
      await eventually(() => benUpdates, (pushed) => pushed.some((push) => push.room_id === roomId && push.removed === true), 'Ben told the room is gone for him');
      await eventually(() => catCreated, (pushed) => pushed.some((push) => push.room_id === roomId), 'the room new to Cat');

      const note = await api('POST', `/v1/rooms/${roomId}/messages`, { token: ann.token, body: { content: 'card on file ends 1111', private: true } });
      expect(note.status).toBe(201);
      await eventually(() => catMessages, (pushed) => pushed.some((push) => push.message.id === note.body.id), 'the note pushed to Cat');
      // One event pushes to everyone it names at once: Cat has it, so Ben would have too.
      expect(benMessages.some((push) => push.message.id === note.body.id)).toBe(false);

      expect((await api('POST', `/v1/support/rooms/${roomId}/resolve`, { token: ann.token })).status).toBe(200);
      await eventually(() => catUpdates, (pushed) => pushed.some((push) => push.room_id === roomId && push.support?.status === 'resolved' && push.support?.assignee === ann.conversationId), 'the resolve pushed to the team');
    });

    it('records first response and resolution times, not counting private notes, in the inbox statistics', async () => {
      const { admin, agents } = await supportTeam(1);
      const [ann] = agents;
      const inbox = await createInbox(admin, { name: 'Timed', members: [ann.conversationId] });
      const room = await openRoom(admin.token, inbox, { phone: newPhone() }, 'Help me');
      await assigned(room.body.id, admin.token);
      await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: ann.token, body: { content: 'internal: checking', private: true } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await api('GET', `/v1/rooms/${room.body.id}`, { token: ann.token })).body.support.first_response_at).toBeNull();
      const answer = await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: ann.token, body: { content: 'On it!' } });
      const support = await eventually(
        () => api('GET', `/v1/rooms/${room.body.id}`, { token: ann.token }),
        (response) => response.body.support?.first_response_at !== null,
        'first response recorded',
      );
      expect(support.body.support.first_response_at).toBe(answer.body.created);
      await api('POST', `/v1/support/rooms/${room.body.id}/resolve`, { token: ann.token });
      const stats = await api('GET', `/v1/support/inboxes/${inbox}/stats`, { token: ann.token });
      expect(stats.body).toMatchObject({ inbox_id: inbox, open: 0, waiting: 0, resolved: 1, first_response: { count: 1 }, resolution: { count: 1 } });
      expect(stats.body.first_response.median_ms).toBeGreaterThanOrEqual(300);
      expect(stats.body.first_response.p90_ms).toBe(stats.body.first_response.median_ms);
      expect(stats.body.resolution.median_ms).toBeGreaterThan(stats.body.first_response.median_ms);
    });

    it('gives 404 for a support room or inbox of another account and changes nothing', async () => {
      const { admin, agents } = await supportTeam(1);
      const inbox = await createInbox(admin, { name: 'Ours', members: [agents[0].conversationId] });
      const room = await openRoom(admin.token, inbox);
      await assigned(room.body.id, admin.token);
      const other = await supportTeam(1);
      const before = await (await database()).collection('support.assignments').findOne({ room_id: { $exists: true }, account_id: admin.accountId });
      for (const [path, body] of [
        [`/v1/support/rooms/${room.body.id}/resolve`, undefined],
        [`/v1/support/rooms/${room.body.id}/assign`, { conversationId: other.agents[0].conversationId }],
        [`/v1/support/rooms/${room.body.id}/reopen`, undefined],
      ] as const) {
        expect((await api('POST', path, { token: other.admin.token, body })).status).toBe(404);
      }
      expect((await api('GET', `/v1/support/inboxes/${inbox}/stats`, { token: other.admin.token })).status).toBe(404);
      expect((await api('GET', `/v1/rooms/${room.body.id}`, { token: other.admin.token })).status).toBe(404);
      const after = await (await database()).collection('support.assignments').findOne({ _id: before?._id });
      expect(after).toEqual(before);
    });
  });
});

/** Every room of the account assigned once, and the counts per agent 34/33/33. */
async function expectFairSpread(accountId: string, agents: TestMember[], rooms: number): Promise<void> {
  const db = await database();
  const entries = await eventually(
    () => db.collection('support.assignments').find({ account_id: accountId }).toArray(),
    (found) => found.length === rooms && found.every((entry) => entry.assignee !== null),
    `${rooms} rooms assigned`,
    30_000,
  );
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.assignee.toHexString(), (counts.get(entry.assignee.toHexString()) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual(agents.map((agent) => agent.conversationId).sort());
  expect([...counts.values()].sort()).toEqual([33, 33, 34]);
  // Each room's mirror on the room agrees.
  const mirrored = await eventually(
    () => db.collection('conversations.rooms').find({ account_id: accountId, type: 'support' }).toArray(),
    (found) => found.length === rooms && found.every((room) => room.support?.assignee && room.members.length === 1),
    'rooms mirror their assignee',
    30_000,
  );
  for (const room of mirrored) expect(room.members[0].conversation_id.toHexString()).toBe(room.support.assignee.toHexString());
}
