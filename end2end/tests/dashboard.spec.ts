// The staff dashboard, with people on both sides: users chat through the hosted widget in
// their own browser contexts while staff work in theirs (two staff contexts where the test is
// about the team). Each test runs its own Confab server (support/confab.ts).
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { Confab } from './support/confab';
import { openWidget, sendFromWidget, signInStaff, signUp } from './support/people';

let confab: Confab;
let contexts: BrowserContext[] = [];

test.beforeEach(async () => {
  confab = await Confab.start();
  contexts = [];
});

// Pages close before their server stops (hooks run before fixtures are torn down).
test.afterEach(async ({ page }) => {
  await page.close();
  for (const context of contexts) await context.close();
  await confab.stop();
});

/** A page in a browser context of its own (a second person), closed after the test. */
async function personPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

/** The dashboard's list, hydrated and following the admin channel. */
async function openList(page: Page, path = '/admin/chats') {
  await page.goto(`${confab.url}${path}`);
  await expect(page.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');
}

/** A user who signed up and wrote `text`; their page, with the widget open. */
async function userWhoWrote(browser: Browser, text: string): Promise<{ page: Page; email: string }> {
  const page = await personPage(browser);
  const email = await signUp(page, confab.url);
  await openWidget(page);
  await sendFromWidget(page, text);
  return { page, email };
}

const card = (page: Page, email: string) => page.getByTestId('chat-card').filter({ hasText: email });

/** The conversation's messages: seq order, each once; returns their texts. */
async function expectOrderedOnce(page: Page): Promise<string[]> {
  const rows = await page.getByTestId('staff-message').evaluateAll((nodes) =>
    nodes.map((n) => ({ seq: Number(n.getAttribute('data-seq')), text: n.querySelector('.content')?.textContent ?? '' })),
  );
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
  return rows.map((r) => r.text);
}

test('user messages reach the list and the open conversation live; replies reach the user; unread sets and clears', async ({
  page,
  browser,
}) => {
  await signInStaff(page, confab.url);
  await expect(page.getByTestId('chats-empty')).toBeVisible();
  await expect(page.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');

  // A user writes: their chat appears at once, unread, and the title counts it.
  const user = await userWhoWrote(browser, 'Hello, my invoice is wrong');
  const theirs = card(page, user.email);
  await expect(theirs).toHaveAttribute('data-unread', 'true');
  await expect(theirs.getByTestId('chat-preview')).toHaveText('Hello, my invoice is wrong');
  await expect(theirs).toContainText('1 message');
  await expect(page).toHaveTitle(/^\(1\) Support Chats/);

  // A second user's chat goes on top; the first one's next message brings it back up.
  const other = await userWhoWrote(browser, 'Is there a mobile app?');
  await expect(page.getByTestId('chat-card').first()).toContainText(other.email);
  await expect(page).toHaveTitle(/^\(2\) Support Chats/);
  await sendFromWidget(user.page, 'It says 40 instead of 30');
  await expect(page.getByTestId('chat-card').first()).toContainText(user.email);
  await expect(theirs).toContainText('2 messages');
  await expect(theirs.getByTestId('chat-preview')).toHaveText('It says 40 instead of 30');

  // Opening the chat: in order, once each, and no longer unread.
  await theirs.locator('a').click();
  await expect(page).toHaveURL(/\/admin\/chats\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('conversation-title')).toHaveText(user.email);
  await expect(page.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  expect(await expectOrderedOnce(page)).toEqual(['Hello, my invoice is wrong', 'It says 40 instead of 30']);
  await expect(page.getByTestId('person-email')).toHaveText(user.email);
  await expect(page.getByTestId('person-verified')).toHaveText('Not verified');
  await expect(page.getByTestId('day-divider')).toHaveCount(1);

  // The user writes while staff watch: it shows live, and it is not unread for staff.
  await sendFromWidget(user.page, 'Can you fix it?');
  await expect(page.getByTestId('staff-message')).toHaveCount(3);
  // Typing is announced at most every 2 s: the last announcement went with that message.
  await user.page.waitForTimeout(2_100);
  await user.page.getByTestId('support-input').fill('typing something');
  await expect(page.getByTestId('user-typing')).toHaveText('User is typing…');
  await user.page.getByTestId('support-input').fill('');

  // Staff reply from the keyboard; Shift+Enter adds a line. The user gets it live, and once
  // they have read it staff see "Seen".
  const reply = page.getByTestId('reply-input');
  await reply.fill('Sorry about that!');
  await reply.press('Shift+Enter');
  await reply.pressSequentially('Fixed: 30 it is.');
  await reply.press('Enter');
  await expect(reply).toHaveValue('');
  const staffMessages = page.locator('[data-testid="staff-message"][data-sender="admin"]');
  await expect(staffMessages).toHaveCount(1);
  await expect(staffMessages.locator('.content')).toHaveText('Sorry about that!\nFixed: 30 it is.');
  const received = user.page.locator('[data-testid="support-message"][data-sender="admin"]');
  await expect(received).toHaveCount(1);
  await expect(received).toContainText('Fixed: 30 it is.');
  await expect(page.getByTestId('seen')).toHaveCount(1);
  expect(await expectOrderedOnce(page)).toHaveLength(4);

  // Back on the list (Esc): the chat is read; the other one is still unread.
  await page.locator('body').click();
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(`${confab.url}/admin/chats`);
  await expect(page.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');
  await expect(card(page, user.email)).toHaveAttribute('data-unread', 'false');
  await expect(card(page, user.email).getByTestId('chat-preview')).toHaveText(/^You: Sorry about that!/);
  await expect(card(page, other.email)).toHaveAttribute('data-unread', 'true');
  await expect(page).toHaveTitle(/^\(1\) Support Chats/);
  await expect(page.getByTestId('chat-card')).toHaveCount(2);
});

test('archive and restore; a user message brings a chat back; a second staff member sees it all live', async ({
  page,
  browser,
}) => {
  const user = await userWhoWrote(browser, 'Please close my account');
  await signInStaff(page, confab.url);
  const colleague = await personPage(browser);
  await signInStaff(colleague, confab.url, '/admin/chats?archived=true');
  await expect(colleague.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');
  await expect(colleague.getByTestId('chats-empty')).toBeVisible();

  // Archive from the conversation page.
  await card(page, user.email).locator('a').click();
  await expect(page.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  await page.getByTestId('archive-toggle').click();
  await expect(page.getByTestId('archive-toggle')).toHaveAttribute('data-archived', 'true');
  await expect(page.getByTestId('archive-toggle')).toHaveText('Restore');
  // The colleague watching the archive sees it arrive.
  await expect(card(colleague, user.email)).toBeVisible();

  // Restore, then archive again, from the same button.
  await page.getByTestId('archive-toggle').click();
  await expect(page.getByTestId('archive-toggle')).toHaveText('Archive');
  await expect(card(colleague, user.email)).toHaveCount(0);
  await page.getByTestId('archive-toggle').click();
  await expect(page.getByTestId('archive-toggle')).toHaveText('Restore');
  await expect(card(colleague, user.email)).toBeVisible();

  // The user writes again: the chat leaves the archive and is active and unread.
  await page.goto(`${confab.url}/admin/chats`);
  await expect(page.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');
  await expect(card(page, user.email)).toHaveCount(0);
  await sendFromWidget(user.page, 'Actually, one more thing');
  await expect(card(colleague, user.email)).toHaveCount(0);
  await expect(card(page, user.email)).toHaveAttribute('data-unread', 'true');
  await expect(card(page, user.email).getByTestId('chat-preview')).toHaveText('Actually, one more thing');

  // From the keyboard on the list: j focuses the first chat, e archives it; the colleague sees it.
  await page.keyboard.press('j');
  await expect(card(page, user.email).locator('a')).toBeFocused();
  await page.keyboard.press('e');
  await expect(card(page, user.email)).toHaveCount(0);
  await expect(page.getByTestId('chats-empty')).toBeVisible();
  await expect(card(colleague, user.email)).toBeVisible();
});

test('search finds a chat by a word of its messages or its email; the keyboard gets there', async ({ page, browser }) => {
  const refund = await userWhoWrote(browser, 'Where is my refund for order 4521?');
  const login = await userWhoWrote(browser, 'I cannot log in since yesterday');
  await signInStaff(page, confab.url);
  await expect(page.getByTestId('chat-card')).toHaveCount(2);

  // "/" goes to the search.
  await page.keyboard.press('/');
  await expect(page.getByTestId('chat-search')).toBeFocused();
  await page.keyboard.type('refund');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\?q=refund$/);
  await expect(page.getByTestId('chat-card')).toHaveCount(1);
  await expect(card(page, refund.email).getByTestId('chat-snippet')).toContainText('refund for order 4521');

  // By email; then nothing found.
  await openList(page, `/admin/chats?q=${encodeURIComponent(login.email)}`);
  await expect(page.getByTestId('chat-card')).toHaveCount(1);
  await expect(card(page, login.email)).toBeVisible();
  await openList(page, '/admin/chats?q=spaceship');
  await expect(page.getByTestId('chats-empty')).toHaveText('No chats match this search.');

  // j/k move, Enter opens.
  await openList(page);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  await expect(card(page, login.email).locator('a')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('conversation-title')).toHaveText(login.email);
});

test('older messages load on scroll-up in the conversation, each once, in order', async ({ page, browser }) => {
  const user = await userWhoWrote(browser, 'The very first message');
  const staff = await confab.staff();
  const chatId = await staff.chatOf(user.email);
  for (let n = 1; n <= 205; n++) await staff.reply(chatId, `reply ${n}`);
  await staff.api.dispose();
  await signInStaff(page, confab.url, `/admin/chats/${chatId}`);
  await expect(page.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  // The page opens on the newest 200, at the bottom.
  await expect(page.getByTestId('staff-message')).toHaveCount(200);
  await expect(page.getByTestId('staff-message').last()).toContainText('reply 205');
  await page.getByTestId('message-column').evaluate((column) => column.scrollTo(0, 0));
  await expect(page.getByTestId('staff-message')).toHaveCount(206);
  await expect(page.getByTestId('staff-message').first()).toContainText('The very first message');
  expect(await expectOrderedOnce(page)).toHaveLength(206);
});

test('alerts: desktop notifications after the click that allows them, a sound toggle that is remembered', async ({
  page,
  browser,
}) => {
  // The browser's Notification, recorded: headless Chromium shows none.
  await page.addInitScript(() => {
    const shown: { title: string; body: string }[] = [];
    (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
    class RecordedNotification {
      static permission = 'default';
      static requestPermission() {
        RecordedNotification.permission = 'granted';
        return Promise.resolve('granted');
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body?: string } = {}) {
        shown.push({ title, body: options.body ?? '' });
      }
    }
    (window as unknown as { Notification: unknown }).Notification = RecordedNotification;
  });
  await signInStaff(page, confab.url);
  await expect(page.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');
  await page.getByTestId('notifications-enable').click();
  await expect(page.getByTestId('notifications-enable')).toHaveCount(0);
  const user = await userWhoWrote(browser, 'Anyone there?');
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications))
    .toEqual([{ title: `New message from ${user.email}`, body: 'Anyone there?' }]);

  const sound = page.getByTestId('sound-toggle');
  await expect(sound).toHaveAttribute('aria-pressed', 'true');
  await sound.click();
  await expect(sound).toHaveText('Sound off');
  await page.reload();
  await expect(page.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');
  await expect(page.getByTestId('sound-toggle')).toHaveAttribute('aria-pressed', 'false');
});

test('the pages are served whole: usable before any script runs', async ({ page, browser }) => {
  const user = await userWhoWrote(browser, 'Hello without scripts');
  await signInStaff(page, confab.url);
  const cookies = await page.context().cookies();
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  contexts.push(noScript);
  await noScript.addCookies(cookies);
  const plain = await noScript.newPage();
  await plain.goto(`${confab.url}/admin/chats`);
  await expect(card(plain, user.email)).toContainText('Hello without scripts');
  await card(plain, user.email).locator('a').click();
  await expect(plain.getByTestId('staff-message')).toHaveText(/Hello without scripts/);
  // The reply form posts to the server and comes back to the conversation.
  await plain.getByTestId('reply-input').fill('Answered without scripts');
  await plain.getByTestId('reply-send').click();
  await expect(plain.locator('[data-testid="staff-message"][data-sender="admin"]')).toContainText('Answered without scripts');
  await expect(user.page.locator('[data-testid="support-message"][data-sender="admin"]')).toContainText(
    'Answered without scripts',
  );
});

test('both dashboard pages have no accessibility violations', async ({ page, browser }) => {
  const user = await userWhoWrote(browser, 'Accessibility check, with a link https://example.com/help');
  await signInStaff(page, confab.url);
  await expect(card(page, user.email)).toBeVisible();
  const list = await new AxeBuilder({ page }).analyze();
  expect(list.violations).toEqual([]);
  await card(page, user.email).locator('a').click();
  await expect(page.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  const conversation = await new AxeBuilder({ page }).analyze();
  expect(conversation.violations).toEqual([]);
});
