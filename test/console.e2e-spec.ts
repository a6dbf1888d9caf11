import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ensureChromium } from '../deploy/local/chromium.mjs';
import { api, eventually, mintToken, newAccountId, readState, restartApp } from '@parley/testing';

// A browser is slow next to an API call, and the first run installs Chromium.
const BROWSER_TEST_MS = 180_000;

/** Where the keyboard focus is, and whether it shows: the focused element and its outline. */
interface FocusStop {
  id: string;
  text: string;
  outline: string;
  classes: string;
}

// Run in the page (as text: the tests are compiled without the DOM's types).
const FOCUS_STOP = `(() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return { id: element.id, text: (element.textContent || '').trim(), outline: style.outlineStyle + ' ' + style.outlineWidth, classes: String(element.className) };
})()`;

/** Form controls a screen reader could not name: no label, no aria-label(ledby), no text. */
const UNLABELLED_CONTROLS = `[...document.querySelectorAll('input, select, textarea, button')]
  .filter((control) => !(control.labels?.length || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby') || control.textContent.trim()))
  .map((control) => control.outerHTML.slice(0, 80))`;

describe('the console at /', () => {
  let browser: Browser;
  let screenshots: string;
  let shot = 0;
  const contexts: BrowserContext[] = [];
  /** Uncaught errors of any page: the console must not throw, whatever the test looks at. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const executablePath = await ensureChromium({ log: (line) => process.stderr.write(`[console e2e] ${line}\n`) });
    browser = await chromium.launch({ executablePath });
    screenshots = join(readState().runDir, 'console');
    mkdirSync(screenshots, { recursive: true });
    process.stderr.write(`[console e2e] screenshots in ${screenshots}\n`);
  }, 15 * 60_000);

  beforeEach(() => {
    pageErrors.length = 0;
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
  });

  const gateway = () => readState().env.GATEWAY_URL;

  async function newBrowserContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
    contexts.push(context);
    return context;
  }

  /** Opens the console in a new tab, ready for someone to sign in (or signed in already, from an earlier tab). */
  async function openConsole(context: BrowserContext, path = '/'): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    await page.goto(`${gateway()}${path}`);
    return page;
  }

  async function screenshot(page: Page, step: string): Promise<void> {
    shot += 1;
    await page.screenshot({ path: join(screenshots, `${String(shot).padStart(2, '0')}-${step}.png`) });
  }

  async function signInWithDevForm(page: Page, userId: string, accountId: string): Promise<void> {
    await page.getByLabel('User id').fill(userId);
    await page.getByLabel('Account id').fill(accountId);
    await page.getByRole('button', { name: 'Mint a token and sign in' }).click();
    await page.getByText(`Signed in as ${userId}`).waitFor();
  }

  async function signInWithToken(page: Page, userId: string, token: string): Promise<void> {
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText(`Signed in as ${userId}`).waitFor();
  }

  async function textOf(locator: Locator, expected: string | RegExp, description: string): Promise<void> {
    await eventually(
      // allTextContents reads what is on the page now; count-then-textContent raced a re-render
      // (the element gone between the two, textContent waited 30 s for it to come back).
      async () => (await locator.allTextContents()).at(0)?.trim() ?? '(absent)',
      (text) => (typeof expected === 'string' ? text === expected : expected.test(text)),
      description,
    );
  }

  const roomIdOf = (page: Page) => /#room=([0-9a-f]{24})$/.exec(page.url())?.[1] ?? '';
  const roomButton = (page: Page, roomId: string) => page.locator(`[data-room-id="${roomId}"] .room-open`);
  const badge = (page: Page, roomId: string) => page.locator(`[data-room-id="${roomId}"] .unread-badge`);
  const message = (page: Page, text: string) => page.locator('.message', { hasText: text });
  const receipt = (page: Page, text: string) => message(page, text).locator('.receipt');
  const mentionBadge = (page: Page, roomId: string) => page.locator(`[data-room-id="${roomId}"] .mention-badge`);

  it('serves its page, icon, scripts and the Socket.IO client from the gateway, and none of it is in the API document', async () => {
    const page = await api('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Parley console</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const [path, type] of [
      ['/favicon.ico', 'image/x-icon'],
      ['/console/console.js', 'text/javascript; charset=utf-8'],
      ['/console/console.css', 'text/css; charset=utf-8'],
      ['/console/vendor/socket.io.esm.min.js', 'text/javascript; charset=utf-8'],
    ]) {
      const asset = await fetch(`${gateway()}${path}`);
      expect({ path, status: asset.status, type: asset.headers.get('content-type') }).toEqual({ path, status: 200, type });
    }
    expect((await fetch(`${gateway()}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await api('GET', '/console/no-such-file.js')).status).toBe(404);
    expect((await api('GET', '/console/config.json')).body).toMatchObject({ realtime_url: readState().env.REALTIME_URL, dev_tokens: true });

    const document = await api('GET', '/swagger/json');
    const paths = Object.keys(document.body.paths);
    expect(paths.filter((path) => path === '/' || path.startsWith('/console') || path.startsWith('/dev') || path === '/favicon.ico')).toEqual([]);

    const accountId = newAccountId();
    const minted = await api('POST', '/dev/tokens', { body: { sub: 'dev-user', account_id: accountId, scopes: ['conversation', 'conversation.admin'] } });
    expect(minted.status).toBe(201);
    expect((await api('GET', '/currentuser', { token: minted.body.token })).body).toEqual({ user_id: 'dev-user', account_id: accountId, scopes: ['conversation', 'conversation.admin'] });
    expect((await api('POST', '/dev/tokens', { body: { sub: 'has spaces', account_id: accountId } })).status).toBe(400);

    // Another site's page may call the API (CORS_ORIGINS `*`), but never with the user's cookie, and it mints no token.
    const foreign = await api('POST', '/dev/tokens', { body: { sub: 'victim', account_id: accountId }, headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.token).toBeUndefined();
    const crossSite = await fetch(`${gateway()}/v1/conversations/me`, { headers: { origin: 'https://evil.example', cookie: `access_token=${minted.body.token}` } });
    expect(crossSite.headers.get('access-control-allow-origin')).toBe('*');
    expect(crossSite.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets two people talk live: the new room, the unread badge, typing, the read receipt, edits and deletes arrive without a reload', async () => {
    const accountId = newAccountId();
    const aliceId = `alice-${randomUUID().slice(0, 8)}`;
    const bobId = `bob-${randomUUID().slice(0, 8)}`;

    // Alice mints a development token with the form; Bob pastes one the identity provider would issue.
    const alice = await openConsole(await newBrowserContext());
    await signInWithDevForm(alice, aliceId, accountId);
    await screenshot(alice, 'alice-signed-in-with-a-development-token');
    const bob = await openConsole(await newBrowserContext());
    await signInWithToken(bob, bobId, mintToken({ sub: bobId, account_id: accountId }));
    await screenshot(bob, 'bob-signed-in-with-a-pasted-token');

    // Bob shows up in Alice's team the moment he comes online; she messages him.
    const messageBob = alice.getByRole('button', { name: `Message ${bobId}` });
    await messageBob.waitFor();
    await textOf(alice.locator('.team-member', { hasText: bobId }).locator('.presence'), 'online', 'Bob online in Alice’s team');
    await messageBob.click();
    await alice.getByRole('heading', { name: bobId }).waitFor();
    const roomId = roomIdOf(alice);
    expect(roomId).toMatch(/^[0-9a-f]{24}$/);
    await alice.getByLabel('Message', { exact: true }).fill('Hello Bob, welcome to Parley');
    await alice.keyboard.press('Enter');
    await textOf(receipt(alice, 'Hello Bob'), 'Sent', 'Alice’s message stored, not yet seen');
    await screenshot(alice, 'alice-sent-her-first-message');

    // Bob never reloads: the room appears with its badge, and opening it clears the badge.
    await textOf(badge(bob, roomId), '1 unread', 'the room and its unread badge live in Bob’s list');
    await screenshot(bob, 'bob-sees-the-new-room-with-an-unread-badge');
    expect(await receipt(alice, 'Hello Bob').textContent()).toBe('Sent');
    await roomButton(bob, roomId).click();
    await message(bob, 'Hello Bob, welcome to Parley').waitFor();
    await textOf(badge(bob, roomId), '(absent)', 'the badge gone once Bob reads');
    await screenshot(bob, 'bob-opened-the-room-and-the-badge-is-gone');

    // Alice sees that he read it, then that he is typing, then his answer.
    await textOf(receipt(alice, 'Hello Bob'), 'Seen', 'the read receipt live in Alice’s tab');
    await screenshot(alice, 'alice-sees-the-read-receipt');
    await bob.getByLabel('Message', { exact: true }).pressSequentially('Hi Alice', { delay: 20 });
    await textOf(alice.locator('#typing'), `${bobId} is typing…`, 'the typing indicator in Alice’s tab');
    await screenshot(alice, 'alice-sees-bob-typing');
    await bob.keyboard.press('Enter');
    await message(alice, 'Hi Alice').waitFor();
    await textOf(alice.locator('#typing'), '', 'the typing indicator gone with the message');
    // Alice has the room open, so she reads his answer at once, and Bob sees so.
    await textOf(receipt(bob, 'Hi Alice'), 'Seen', 'Bob’s answer seen by Alice');
    await textOf(badge(alice, roomId), '(absent)', 'no badge for a room Alice is reading');
    await screenshot(bob, 'bob-sees-his-answer-read');

    // Bob reacts to Alice's greeting; she sees it live, adds hers, and he takes his back.
    await message(bob, 'Hello Bob').getByRole('button', { name: 'React 👍', exact: true }).click();
    const aliceThumbs = message(alice, 'Hello Bob').getByRole('button', { name: 'React 👍, 1 so far' });
    await expect(aliceThumbs.getAttribute('aria-pressed')).resolves.toBe('false');
    await aliceThumbs.click();
    await message(bob, 'Hello Bob').locator('button.reaction[aria-pressed="true"]', { hasText: '👍 2' }).waitFor();
    await screenshot(bob, 'bob-sees-two-thumbs-up');
    await message(bob, 'Hello Bob').getByRole('button', { name: 'React 👍, 2 so far' }).click();
    await message(alice, 'Hello Bob').locator('button.reaction[aria-pressed="true"]', { hasText: '👍 1' }).waitFor();

    // Alice edits and deletes for everyone; Bob deletes for himself: each lands in the other tab live.
    await message(alice, 'Hello Bob').getByRole('button', { name: 'Edit' }).click();
    await alice.getByLabel('Edit message').fill('Hello Bob, welcome to Parley!');
    await alice.keyboard.press('Enter');
    await message(bob, 'welcome to Parley!').locator('.message-head', { hasText: '(edited)' }).waitFor();
    await alice.getByLabel('Message', { exact: true }).fill('a typo to take back');
    await alice.keyboard.press('Enter');
    await message(bob, 'a typo to take back').waitFor();
    await message(alice, 'a typo to take back').getByRole('button', { name: 'Delete' }).click();
    await alice.getByRole('button', { name: 'Delete for everyone' }).click();
    await message(bob, 'This message was deleted.').waitFor();
    await message(bob, 'welcome to Parley!').getByRole('button', { name: 'Delete' }).click();
    await expect(bob.getByRole('button', { name: 'Delete for everyone' }).isVisible()).resolves.toBe(false);
    await bob.getByRole('button', { name: 'Delete for me' }).click();
    await message(bob, 'welcome to Parley!').waitFor({ state: 'detached' });
    await screenshot(bob, 'bob-after-an-edit-and-two-deletes');
    // Deleted for Bob only: Alice still has it.
    expect(await message(alice, 'welcome to Parley!').count()).toBe(1);

    // Favorites and snooze, from the room's heading.
    await bob.getByRole('button', { name: '☆ Favorite', exact: true }).click();
    await bob.locator(`[data-room-id="${roomId}"] .favorite-toggle[aria-pressed="true"]`).waitFor();
    await bob.getByRole('button', { name: 'Snooze', exact: true }).click();
    await bob.getByText(/^Snoozed until/).waitFor();
    await screenshot(bob, 'bob-favorited-and-snoozed-the-room');
    await bob.getByRole('button', { name: 'End snooze' }).click();
    await bob.getByRole('button', { name: 'Snooze', exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('lets an admin create a channel and add someone, who sees it arrive live with its messages', async () => {
    const accountId = newAccountId();
    const ivyId = `ivy-${randomUUID().slice(0, 8)}`;
    const jackId = `jack-${randomUUID().slice(0, 8)}`;
    const ivy = await openConsole(await newBrowserContext());
    await signInWithToken(ivy, ivyId, mintToken({ sub: ivyId, account_id: accountId, scopes: ['conversation', 'conversation.admin'] }));
    const jack = await openConsole(await newBrowserContext());
    await signInWithToken(jack, jackId, mintToken({ sub: jackId, account_id: accountId }));
    // Jack hands out his conversation id, as the console shows it to him.
    await jack.getByText('New room').click();
    const jackConversation = ((await jack.locator('#my-conversation-id').textContent()) ?? '').trim();
    expect(jackConversation).toMatch(/^[0-9a-f]{24}$/);

    await ivy.getByText('New room').click();
    await ivy.getByLabel('Channel name').fill('launch plans');
    await ivy.getByRole('button', { name: 'Create channel' }).click();
    await ivy.getByRole('heading', { name: '# launch plans' }).waitFor();
    const channelId = roomIdOf(ivy);
    await ivy.getByLabel('Message', { exact: true }).fill('Before Jack joins');
    await ivy.keyboard.press('Enter');
    await textOf(receipt(ivy, 'Before Jack joins'), 'Sent', 'the first message of the channel');
    expect(await roomButton(jack, channelId).count()).toBe(0);

    await ivy.getByText('Add a member').click();
    await ivy.getByLabel('Their conversation id').fill(jackConversation);
    await ivy.getByRole('button', { name: 'Add to the channel' }).click();
    await ivy.locator('#room-members', { hasText: jackId }).waitFor();
    await roomButton(jack, channelId).waitFor();
    // Naming Jack as @name mentions him: his list marks the room, his message says so.
    await ivy.getByLabel('Message', { exact: true }).fill(`Welcome, @${jackId}!`);
    await ivy.keyboard.press('Enter');
    await textOf(badge(jack, channelId), '1 unread', 'the new channel’s badge in Jack’s list');
    await textOf(mentionBadge(jack, channelId), '@ 1 unread message mentions you', 'the mention mark in Jack’s list');
    await screenshot(jack, 'jack-was-added-to-a-channel');
    await roomButton(jack, channelId).click();
    await message(jack, 'Welcome, @').waitFor();
    await textOf(message(jack, 'Welcome, @').locator('.mention-label'), 'mentions you', 'the mention in Jack’s room');
    expect(await message(ivy, 'Welcome, @').locator('.mention-label').count()).toBe(0);
    await textOf(receipt(ivy, 'Welcome, @'), `Seen by ${jackId}`, 'Jack’s read receipt in the channel');
    await eventually(() => mentionBadge(jack, channelId).count(), (count) => count === 0, 'the mention mark gone once Jack read it');
    await screenshot(ivy, 'ivy-sees-jack-read-the-channel');
    // Stored as clean HTML (`Tom &amp; Jerry &lt;3`), shown as typed, on both sides.
    await ivy.getByLabel('Message', { exact: true }).fill('Tom & Jerry <3');
    await ivy.keyboard.press('Enter');
    await textOf(message(jack, 'Tom & Jerry').locator('.message-body'), 'Tom & Jerry <3', 'the message as Ivy typed it, in Jack’s tab');
    await textOf(message(ivy, 'Tom & Jerry').locator('.message-body'), 'Tom & Jerry <3', 'the message as Ivy typed it, in hers once stored');
    // Formatting Parley keeps is shown as formatting, links as links.
    await ivy.getByLabel('Message', { exact: true }).fill('Ship it <b>today</b>, see <a href="https://example.com/plan">the plan</a>');
    await ivy.keyboard.press('Enter');
    await textOf(message(jack, 'Ship it').locator('.message-body b'), 'today', 'the bold word in Jack’s tab');
    expect(await message(jack, 'Ship it').locator('.message-body a').getAttribute('href')).toBe('https://example.com/plan');
    await textOf(message(jack, 'Ship it').locator('.message-body'), 'Ship it today, see the plan', 'the formatted message’s text');
    await textOf(receipt(ivy, 'Ship it'), `Seen by ${jackId}`, 'Jack read the last message');
    // Jack keeps two messages for later: the room closes with them unread, and Ivy still sees he read them.
    await message(jack, 'Tom & Jerry').getByRole('button', { name: 'Mark unread' }).click();
    await textOf(badge(jack, channelId), '2 unread', 'the two messages unread again in Jack’s list');
    expect(roomIdOf(jack)).toBe('');
    await screenshot(jack, 'jack-marked-two-messages-unread');
    await roomButton(jack, channelId).click();
    await message(jack, 'Ship it').waitFor();
    await textOf(badge(jack, channelId), '(absent)', 'the badge gone once Jack opens the room again');
    expect(await receipt(ivy, 'Ship it').textContent()).toBe(`Seen by ${jackId}`);
    // Marking unread is for rooms one reads: one's own messages do not offer it.
    expect(await message(ivy, 'Ship it').getByRole('button', { name: 'Mark unread' }).count()).toBe(0);
    // @channel mentions everyone in it but the writer.
    await ivy.getByLabel('Message', { exact: true }).fill('@channel standup now');
    await ivy.keyboard.press('Enter');
    await textOf(message(jack, '@channel standup').locator('.mention-label'), 'mentions you', 'the @channel in Jack’s room');
    expect(await message(ivy, '@channel standup').locator('.mention-label').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('keeps every open tab of a user in step, pages back through history, and catches up after realtime restarts, edits and deletes too', async () => {
    const accountId = newAccountId();
    const carolId = `carol-${randomUUID().slice(0, 8)}`;
    const daveId = `dave-${randomUUID().slice(0, 8)}`;
    const carolToken = mintToken({ sub: carolId, account_id: accountId });
    const daveToken = mintToken({ sub: daveId, account_id: accountId });
    const daveConversation = (await api('GET', '/v1/conversations/me', { token: daveToken })).body.id;
    const room = await api('POST', '/v1/rooms', { token: carolToken, body: { type: 'direct', member: daveConversation } });
    for (let index = 1; index <= 35; index++) {
      await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: daveToken, body: { content: `history ${index}`, clientMessageId: `history-${index}` } });
    }

    const context = await newBrowserContext();
    const firstTab = await openConsole(context);
    await signInWithToken(firstTab, carolId, carolToken);
    // The second tab shares the first one's sign-in and opens the room from its link.
    const secondTab = await openConsole(context, `/#room=${room.body.id}`);
    await message(secondTab, 'history 35').waitFor();
    const firstMessage = secondTab.locator('.message-body', { hasText: /^history 1$/ });
    expect(await firstMessage.count()).toBe(0);
    await secondTab.getByRole('button', { name: 'Load earlier messages' }).click();
    await firstMessage.waitFor();
    await expect(secondTab.getByRole('button', { name: 'Load earlier messages' }).isVisible()).resolves.toBe(false);
    await screenshot(secondTab, 'carol-paged-back-to-the-first-message');

    await roomButton(firstTab, room.body.id).click();
    const live = await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: daveToken, body: { content: 'to both tabs', clientMessageId: 'both-tabs' } });
    expect(live.status).toBe(201);
    await message(firstTab, 'to both tabs').waitFor();
    await message(secondTab, 'to both tabs').waitFor();

    // Realtime goes away for a moment; what is sent meanwhile reaches both tabs once they are
    // connected again, their sessions recovered. This realtime keeps a session 1 ms after its socket drops.
    // The waits below are the tabs' own: realtime's start, long on a loaded machine, is behind us.
    await restartApp('realtime', { RECOVERY_WINDOW_MS: '1' }, {
      whileStopped: async () => {
        const missed = await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: daveToken, body: { content: 'sent while realtime was away', clientMessageId: 'away' } });
        expect(missed.status).toBe(201);
      },
    });
    for (const tab of [firstTab, secondTab]) {
      await message(tab, 'sent while realtime was away').waitFor({ timeout: 60_000 });
      await textOf(tab.locator('#live-state'), 'Live', 'the tab connected again');
    }
    await screenshot(firstTab, 'carol-caught-up-after-realtime-restarted');

    // Away again, past what realtime keeps of a session: each tab reads what changed through the API
    // (changed_after), the edit and both deletes too, not only the new message.
    const historyIds = new Map<string, string>(
      (await api('GET', `/v1/rooms/${room.body.id}/messages?limit=5`, { token: carolToken })).body.data.map((sent: { content: string; id: string }) => [sent.content, sent.id]),
    );
    const changeReads = [firstTab, secondTab].map((tab) => {
      const reads: string[] = [];
      tab.on('request', (request) => {
        if (/\/messages\?.*(changed_after|after)=/.test(request.url())) reads.push(request.url());
      });
      return reads;
    });
    await restartApp('realtime', {}, {
      whileStopped: async () => {
        expect((await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: daveToken, body: { content: 'sent after the session expired', clientMessageId: 'expired' } })).status).toBe(201);
        expect((await api('PATCH', `/v1/messages/${live.body.id}`, { token: daveToken, body: { content: 'to both tabs, edited while away' } })).status).toBe(200);
        expect((await api('DELETE', `/v1/messages/${historyIds.get('history 34')}?for=everyone`, { token: daveToken })).status).toBe(204);
        expect((await api('DELETE', `/v1/messages/${historyIds.get('history 33')}`, { token: carolToken })).status).toBe(204);
      },
    });
    for (const tab of [firstTab, secondTab]) {
      await message(tab, 'sent after the session expired').waitFor({ timeout: 60_000 });
      await message(tab, 'to both tabs, edited while away').waitFor();
      await tab.locator('.message-body', { hasText: /^history 34$/ }).waitFor({ state: 'detached' });
      await tab.locator('.message-body', { hasText: /^history 33$/ }).waitFor({ state: 'detached' });
      await textOf(tab.locator('#live-state'), 'Live', 'the tab connected again');
    }
    // Both tabs came back through the API, not from pushes: the session was gone.
    for (const reads of changeReads) expect(reads.some((url) => url.includes('changed_after='))).toBe(true);
    await screenshot(firstTab, 'carol-caught-up-after-her-session-expired');
    expect(pageErrors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('can be used with the keyboard alone, with the focus always visible and every control labelled', async () => {
    const accountId = newAccountId();
    const erinId = `erin-${randomUUID().slice(0, 8)}`;
    const frankId = `frank-${randomUUID().slice(0, 8)}`;
    const erinToken = mintToken({ sub: erinId, account_id: accountId });
    const frankToken = mintToken({ sub: frankId, account_id: accountId });
    await api('GET', '/v1/conversations/me', { token: frankToken });
    const erinConversation = (await api('GET', '/v1/conversations/me', { token: erinToken })).body.id;
    const room = await api('POST', '/v1/rooms', { token: frankToken, body: { type: 'direct', member: erinConversation } });
    await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: frankToken, body: { content: 'Can you answer without a mouse?', clientMessageId: 'kb-1' } });

    const page = await openConsole(await newBrowserContext());
    await page.getByLabel('Access token').waitFor();
    const focused = () => page.evaluate<FocusStop>(FOCUS_STOP);
    /** Presses Tab until the focus is where `arrived` says, checking that every stop on the way shows the focus. */
    const tabUntil = async (arrived: (stop: FocusStop) => boolean, description: string) => {
      const stops: string[] = [];
      for (let presses = 0; presses < 40; presses++) {
        await page.keyboard.press('Tab');
        const stop = await focused();
        expect({ stop: stop.id || stop.text.slice(0, 40), outline: stop.outline }).toEqual({ stop: stop.id || stop.text.slice(0, 40), outline: 'solid 3px' });
        stops.push(stop.id || stop.text.slice(0, 40));
        if (arrived(stop)) return;
      }
      throw new Error(`Tab never reached ${description}; it went through ${stops.join(' → ')}`);
    };

    // The first Tab reaches the skip link, which leads into the sign-in form.
    await tabUntil((stop) => stop.text === 'Skip to the conversation', 'the skip link');
    await page.keyboard.press('Enter');
    expect((await focused()).id).toBe('paste-token');
    await page.keyboard.insertText(erinToken);
    await tabUntil((stop) => stop.text === 'Sign in', 'the sign-in button');
    await page.keyboard.press('Enter');
    await page.getByText(`Signed in as ${erinId}`).waitFor();

    // The keyboard continues at the room list: Tab reaches the room, Enter opens it.
    expect((await focused()).id).toBe('rooms-title');
    await roomButton(page, room.body.id).waitFor();
    await tabUntil((stop) => stop.classes === 'room-open', 'the room');
    expect((await focused()).text).toContain(frankId);
    await page.keyboard.press('Enter');
    await message(page, 'Can you answer without a mouse?').waitFor();
    await screenshot(page, 'erin-opened-a-room-with-the-keyboard');

    // On through the room's heading and messages to the message box; Enter sends.
    await tabUntil((stop) => stop.id === 'composer-input', 'the message box');
    await page.keyboard.type('Yes, with Tab and Enter.');
    await page.keyboard.press('Enter');
    await textOf(receipt(page, 'Yes, with Tab and Enter.'), /^(Sent|Seen)$/, 'the answer sent from the keyboard');
    expect((await focused()).id).toBe('composer-input');
    await screenshot(page, 'erin-answered-from-the-keyboard');

    expect(await page.evaluate<string[]>(UNLABELLED_CONTROLS)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('fits a phone-sized screen: the room list, then the open room with a way back', async () => {
    const accountId = newAccountId();
    const ginaId = `gina-${randomUUID().slice(0, 8)}`;
    const halToken = mintToken({ sub: `hal-${randomUUID().slice(0, 8)}`, account_id: accountId });
    const ginaToken = mintToken({ sub: ginaId, account_id: accountId });
    const ginaConversation = (await api('GET', '/v1/conversations/me', { token: ginaToken })).body.id;
    const room = await api('POST', '/v1/rooms', { token: halToken, body: { type: 'direct', member: ginaConversation } });
    await api('POST', `/v1/rooms/${room.body.id}/messages`, { token: halToken, body: { content: 'Does this fit on your phone?', clientMessageId: 'phone-1' } });

    const context = await newBrowserContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await openConsole(context);
    await page.getByLabel('Access token').waitFor();
    await screenshot(page, 'phone-sign-in');
    await signInWithToken(page, ginaId, ginaToken);
    await textOf(badge(page, room.body.id), '1 unread', 'the badge on the phone');
    await screenshot(page, 'phone-room-list');
    const fitsTheWidth = () => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
    expect(await fitsTheWidth()).toBe(true);

    await roomButton(page, room.body.id).tap();
    await message(page, 'Does this fit on your phone?').waitFor();
    await expect(page.locator('.sidebar').isVisible()).resolves.toBe(false);
    await page.getByLabel('Message', { exact: true }).fill('It does.');
    await page.getByRole('button', { name: 'Send' }).tap();
    await textOf(receipt(page, 'It does.'), /^(Sent|Seen)$/, 'the answer sent from the phone');
    expect(await fitsTheWidth()).toBe(true);
    await screenshot(page, 'phone-open-room');

    await page.getByRole('button', { name: 'Rooms', exact: true }).tap();
    await roomButton(page, room.body.id).waitFor();
    await expect(page.locator('#room-view').isVisible()).resolves.toBe(false);
    expect(pageErrors).toEqual([]);
  }, BROWSER_TEST_MS);
});
