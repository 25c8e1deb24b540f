// The team inbox with two staff members and a user, each in a browser context of their own:
// Maya (admin) and Tom (agent) share the work; the user writes from the hosted widget.
// Assignment reaches Tom's "Mine" live, each reply is signed with its author's name, snooze
// takes a chat out of "All open" until the user writes (or its time comes), and activity
// lines stay on staff's side. Each test runs its own Confab server (support/confab.ts).
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { Confab } from './support/confab';
import { openWidget, sendFromWidget, signInAs, signUp } from './support/people';

let confab: Confab;
let contexts: BrowserContext[] = [];

test.beforeEach(async () => {
  confab = await Confab.start();
  contexts = [];
});

test.afterEach(async () => {
  for (const context of contexts) await context.close();
  await confab.stop();
});

/** A page in a browser context of its own, closed after the test; `width` wide. */
async function personPage(browser: Browser, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

/** A colleague, signed in on the inbox view `view` and following the admin channel. */
async function colleague(browser: Browser, email: string, name: string, role: 'admin' | 'agent', view: string) {
  const password = confab.addStaff(email, name, role);
  const page = await personPage(browser);
  await signInAs(page, confab.url, email, password, `/admin/chats?view=${view}`);
  await expect(page.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');
  return page;
}

const card = (page: Page, email: string) => page.getByTestId('chat-card').filter({ hasText: email });

test('Maya assigns a chat to Tom: his Mine shows it live, replies are signed, activity stays with staff', async ({
  browser,
}) => {
  const user = await personPage(browser);
  const email = await signUp(user, confab.url);
  await openWidget(user);
  await sendFromWidget(user, 'My order is late');

  const maya = await colleague(browser, 'maya@team.example.com', 'Maya', 'admin', 'unassigned');
  const tom = await colleague(browser, 'tom@team.example.com', 'Tom', 'agent', 'mine');
  await expect(card(maya, email)).toBeVisible();
  await expect(card(maya, email).getByTestId('chat-owner')).toHaveText('Unassigned');
  await expect(tom.getByTestId('chats-empty')).toBeVisible();

  // Maya opens the chat and gives it to Tom: it leaves nobody's pile and lands in his, live.
  await card(maya, email).locator('a').click();
  await expect(maya.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  await maya.getByTestId('assignee-select').selectOption({ label: 'Tom' });
  await expect(card(tom, email)).toBeVisible();
  await expect(card(tom, email).getByTestId('chat-owner')).toHaveText('Tom');
  await expect(tom.getByTestId('view-mine').getByTestId('view-count')).toHaveText('1');
  await expect(maya.getByTestId('activity-line').last()).toHaveText(/^Maya assigned this to Tom · /);

  // Maya replies: the user sees her name. Tom opens the chat and replies: the user sees his.
  await maya.getByTestId('reply-input').fill('Hi, Maya here. Let me check.');
  await maya.getByTestId('reply-input').press('Enter');
  const received = user.locator('[data-testid="support-message"][data-sender="admin"]');
  await expect(received).toHaveCount(1);
  await expect(received.first()).toContainText('Maya · Support');
  // With her avatar: her initial on her colour (drawn by a class: the page's CSP takes no inline style).
  await expect(received.first().locator('.confab-avatar')).toHaveText('M');
  await expect(received.first().locator('.confab-avatar')).toHaveClass(/confab-avatar-[0-7]/);
  await expect(received.first().locator('.confab-avatar')).toHaveAttribute('aria-hidden', 'true');
  await card(tom, email).locator('a').click();
  await expect(tom.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  const fromMaya = tom.locator('[data-testid="staff-message"][data-sender="admin"]');
  await expect(fromMaya.first().locator('.confab-sender')).toHaveText('Maya');
  await tom.getByTestId('reply-input').fill('Tom here: it ships today.');
  await tom.getByTestId('reply-input').press('Enter');
  await expect(received).toHaveCount(2);
  await expect(received.nth(1)).toContainText('Tom · Support');
  await expect(received.nth(1).locator('.confab-avatar')).toHaveText('T');
  await expect(fromMaya.nth(1).locator('.confab-sender')).toHaveText('You');

  // Activity lines are staff's: never in the widget.
  await expect(tom.getByTestId('activity-line')).toHaveCount(1);
  await expect(user.getByTestId('support-panel')).not.toContainText('assigned');
  await expect(user.getByTestId('support-panel')).not.toContainText('Unassigned');
});

test('snooze takes a chat out of All open until its user writes or its time comes; resolve and reopen', async ({
  browser,
  browserConsole,
}) => {
  // The server is stopped and started again (two days later): the pages' reconnections fail meanwhile.
  test.setTimeout(90_000);
  browserConsole.allow(/net::ERR_CONNECTION_REFUSED|^WebSocket connection to .* failed/);
  const user = await personPage(browser);
  const email = await signUp(user, confab.url);
  await openWidget(user);
  await sendFromWidget(user, 'Call me back tomorrow');

  const maya = await colleague(browser, 'maya@team.example.com', 'Maya', 'admin', 'open');
  const tom = await colleague(browser, 'tom@team.example.com', 'Tom', 'agent', 'open');
  await expect(card(tom, email)).toBeVisible();

  // Maya snoozes it from the conversation: it leaves Tom's All open and waits in Snoozed.
  await card(maya, email).locator('a').click();
  await expect(maya.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  await maya.getByTestId('snooze-menu').click();
  await maya.getByTestId('snooze-tomorrow').click();
  await expect(maya.getByTestId('chat-status')).toHaveAttribute('data-status', 'snoozed');
  await expect(card(tom, email)).toHaveCount(0);
  await expect(tom.getByTestId('view-snoozed').getByTestId('view-count')).toHaveText('1');
  await expect(maya.getByTestId('activity-line').last()).toHaveText(/^Snoozed until .* by Maya · /);

  // The user writes: back in All open at once, and the activity says why.
  await sendFromWidget(user, 'Actually, sooner please');
  await expect(card(tom, email)).toBeVisible();
  await expect(maya.getByTestId('chat-status')).toHaveAttribute('data-status', 'open');
  await expect(maya.getByTestId('activity-line').last()).toHaveText(/^Reopened by a message from the user · /);

  // Snoozed until tomorrow 9:00 again; the server is then started two days later (its clock
  // moved, nobody waits): the chat is back by itself, on both dashboards once they reconnect.
  await maya.getByTestId('snooze-menu').click();
  await maya.getByTestId('snooze-tomorrow').click();
  await expect(maya.getByTestId('chat-status')).toHaveAttribute('data-status', 'snoozed');
  await expect(card(tom, email)).toHaveCount(0);
  await confab.halt();
  await confab.resume('+2d');
  // The pages reconnect with their backoff (at most ~8 s after the downtime).
  await expect(card(tom, email)).toBeVisible({ timeout: 30_000 });
  await expect(maya.getByTestId('chat-status')).toHaveAttribute('data-status', 'open', { timeout: 30_000 });
  await expect(maya.getByTestId('activity-line').last()).toHaveText(/^Reopened: the snooze ended · /);

  // Resolve from the keyboard on Tom's list (the spec's archive), then reopen from Resolved.
  await tom.keyboard.press('j');
  await expect(card(tom, email).locator('a')).toBeFocused();
  await tom.keyboard.press('e');
  await expect(card(tom, email)).toHaveCount(0);
  await expect(maya.getByTestId('archive-toggle')).toHaveAttribute('data-archived', 'true');
  await maya.getByTestId('archive-toggle').click();
  await expect(maya.getByTestId('chat-status')).toHaveAttribute('data-status', 'open');
  await expect(card(tom, email)).toBeVisible();

  // `a` on the list assigns to oneself.
  await tom.keyboard.press('j');
  await tom.keyboard.press('a');
  await expect(card(tom, email).getByTestId('chat-owner')).toHaveText('Tom');
  await expect(tom.getByTestId('view-mine').getByTestId('view-count')).toHaveText('1');
});

test('one screen: chats open beside the list, which stays; j/k open the next; the address names it all; narrow screens show one pane', async ({
  browser,
}) => {
  const emails: string[] = [];
  for (const text of ['First question', 'Second question']) {
    const user = await personPage(browser);
    emails.push(await signUp(user, confab.url));
    await openWidget(user);
    await sendFromWidget(user, text);
  }
  const [older, newer] = emails;
  const maya = await colleague(browser, 'maya@team.example.com', 'Maya', 'admin', 'unassigned');
  await expect(maya.getByTestId('chat-card')).toHaveCount(2);
  await expect(maya.getByTestId('no-chat-open')).toBeVisible();

  // Opening a chat changes the conversation pane only: the list's element is the same one.
  await maya.getByTestId('chat-list').evaluate((list) => list.setAttribute('data-kept', 'yes'));
  await card(maya, newer).locator('a').click();
  await expect(maya).toHaveURL(/\/admin\/chats\/[0-9a-f-]{36}\?view=unassigned$/);
  await expect(maya.getByTestId('conversation-title')).toHaveText(newer);
  await expect(maya.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  await expect(maya.getByTestId('chat-list')).toHaveAttribute('data-kept', 'yes');
  await expect(card(maya, newer).locator('a')).toHaveAttribute('aria-current', 'true');

  // j opens the next chat and k the previous one, with the focus on its card; the list stays.
  await maya.keyboard.press('j');
  await expect(maya.getByTestId('conversation-title')).toHaveText(older);
  await expect(card(maya, older).locator('a')).toBeFocused();
  await expect(card(maya, older).locator('a')).toHaveAttribute('aria-current', 'true');
  await maya.keyboard.press('k');
  await expect(maya.getByTestId('conversation-title')).toHaveText(newer);
  await expect(maya.getByTestId('chat-list')).toHaveAttribute('data-kept', 'yes');

  // With the focus in the conversation, `a` assigns its chat to Maya (it leaves Unassigned)
  // and `s` snoozes it; Esc closes it and keeps the view.
  await maya.getByTestId('conversation-title').click();
  await maya.keyboard.press('a');
  await expect(maya.getByTestId('assignee-select')).toHaveValue(/[0-9a-f-]{36}/);
  await expect(card(maya, newer)).toHaveCount(0);
  await maya.keyboard.press('s');
  await expect(maya.getByTestId('chat-status')).toHaveAttribute('data-status', 'snoozed');
  await maya.keyboard.press('Escape');
  await expect(maya).toHaveURL(`${confab.url}/admin/chats?view=unassigned`);
  await expect(maya.getByTestId('no-chat-open')).toBeVisible();

  // The address is the state: the server renders the view, the search and the open chat.
  const staff = await confab.staff();
  const olderId = await staff.chatOf(older);
  const place = `/admin/chats/${olderId}?view=unassigned&q=${encodeURIComponent('First')}`;
  const html = await (await staff.api.get(place)).text();
  expect(html).toContain('data-testid="conversation-title"');
  expect(html).toContain(`data-chat-id="${olderId}"`);
  // The open chat's card is marked, and only it.
  expect(html).toMatch(new RegExp(`data-chat-id="${olderId}"[^>]*>\\s*<a [^>]*aria-current="true"`));
  expect(html.match(/aria-current="true"/g)).toHaveLength(1);
  expect(html).toContain('value="First"');
  await staff.api.dispose();

  // Narrow: the list, or the chat with a way back.
  await maya.setViewportSize({ width: 390, height: 800 });
  await maya.goto(`${confab.url}${place}`);
  await expect(maya.getByTestId('conversation-title')).toHaveText(older);
  await expect(maya.getByTestId('chats-page')).toBeHidden();
  await expect(maya.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  await maya.getByTestId('back-link').click();
  await expect(maya.getByTestId('chats-page')).toBeVisible();
  await expect(maya.getByTestId('conversation-page')).toHaveCount(0);
  await expect(maya.getByTestId('no-chat-open')).toBeHidden();
  await expect(card(maya, older)).toBeVisible();
});

test('an admin invites a colleague, who joins through the link once; a deactivated colleague is signed out at once', async ({
  browser,
  browserConsole,
}) => {
  // A used link's page answers 404, and a deactivated colleague's calls 401: both on purpose.
  browserConsole.allow(/status of 40[14]/);
  const maya = await colleague(browser, 'maya@team.example.com', 'Maya', 'admin', 'open');
  await maya.goto(`${confab.url}/admin/team`);
  await expect(maya.getByTestId('invite-send')).toBeVisible();
  await maya.getByTestId('invite-email').fill('tom@team.example.com');
  await maya.getByTestId('invite-name').fill('Tom');
  await maya.getByTestId('invite-send').click();
  await expect(maya.getByTestId('invitation').filter({ hasText: 'tom@team.example.com' })).toBeVisible();

  // Tom opens the link from his email in a browser of his own, chooses a password, is in.
  const link = await confab.invitationLink('tom@team.example.com');
  const tom = await personPage(browser);
  await tom.goto(link);
  await expect(tom.getByTestId('submit')).toHaveAttribute('data-hydrated', 'true');
  await tom.getByTestId('password').fill('tom chose this password');
  await tom.getByTestId('submit').click();
  await expect(tom).toHaveURL(`${confab.url}/admin/chats`);
  await expect(tom.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');

  // The link works once: opened again (here, by someone else), it says so.
  const stranger = await personPage(browser);
  await stranger.goto(link);
  await expect(stranger.getByTestId('join-refused')).toContainText('no longer valid');

  // Maya sees Tom on the team and deactivates him: his open dashboard loses its connection
  // at once, and his session is over.
  await maya.reload();
  const row = maya.getByTestId('staff-row').filter({ hasText: 'tom@team.example.com' });
  await expect(row).toHaveAttribute('data-active', 'true');
  await row.getByTestId('deactivate').click();
  await expect(row).toHaveAttribute('data-active', 'false');
  await expect(tom.getByTestId('desk-live')).toHaveAttribute('data-live', 'false');
  await tom.goto(`${confab.url}/admin/chats`);
  await expect(tom).toHaveURL(/\/signin\?next=/);

  const team = await new AxeBuilder({ page: maya }).analyze();
  expect(team.violations, 'the team page').toEqual([]);
});

test('the inbox has no accessibility violations, wide and narrow', async ({ browser }) => {
  const user = await personPage(browser);
  await signUp(user, confab.url);
  await openWidget(user);
  await sendFromWidget(user, 'Hello');
  for (const width of [1280, 390]) {
    const page = await colleague(browser, `maya${width}@team.example.com`, 'Maya', 'admin', 'open');
    await page.setViewportSize({ width, height: 900 });
    const list = await new AxeBuilder({ page }).analyze();
    expect(list.violations, `list at ${width} px`).toEqual([]);
    await page.getByTestId('chat-card').first().locator('a').click();
    await expect(page.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
    const conversation = await new AxeBuilder({ page }).analyze();
    expect(conversation.violations, `conversation at ${width} px`).toEqual([]);
  }
});
