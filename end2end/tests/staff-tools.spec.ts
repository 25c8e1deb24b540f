// Staff tools in real browsers: Maya (admin) and Tom each in a browser context of their own,
// the user in the hosted widget. A private note written in Maya's composer (Note mode, `n`)
// appears in her conversation and in Tom's, live, and never in the user's widget, not even
// after a reply arrives and a reload. A note that mentions Tom (picked with `@`) reaches his
// dashboard live and lands in his Mentions. A saved reply Maya writes is picked with `/` and
// sent with its variables filled. A label Maya defines and puts on a chat (`l`) shows on
// Tom's card live, and his label filter finds the chat. Each test runs its own Confab server
// (support/confab.ts).
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

/** A page in a browser context of its own, closed after the test. */
async function personPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

/** A colleague, signed in on All open and following the admin channel. */
async function colleague(browser: Browser, email: string, name: string, role: 'admin' | 'agent' = 'agent') {
  const password = confab.addStaff(email, name, role);
  const page = await personPage(browser);
  await signInAs(page, confab.url, email, password, '/admin/chats?view=open');
  await expect(page.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');
  return page;
}

/** Opens the user's chat from the list and waits for it to be live. */
async function openChat(page: Page, email: string) {
  await page.getByTestId('chat-card').filter({ hasText: email }).locator('a').click();
  await expect(page.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
}

const SECRET = 'zebra-refund-7731';

test('a private note reaches colleagues live and never the user', async ({ browser }) => {
  const user = await personPage(browser);
  const email = await signUp(user, confab.url);
  await openWidget(user);
  await sendFromWidget(user, 'I was charged twice');

  const maya = await colleague(browser, 'maya@team.example.com', 'Maya Lopez');
  const tom = await colleague(browser, 'tom@team.example.com', 'Tom');
  await openChat(maya, email);
  await openChat(tom, email);

  // `n` (outside a field) switches Maya's composer to Note mode and puts her in it.
  await maya.getByTestId('message-column').focus();
  await maya.keyboard.press('n');
  await expect(maya.getByTestId('composer')).toHaveAttribute('data-mode', 'note');
  await expect(maya.getByTestId('mode-note')).toHaveAttribute('aria-pressed', 'true');
  await expect(maya.getByTestId('reply-input')).toBeFocused();
  const axe = await new AxeBuilder({ page: maya }).include('[data-testid="composer"]').analyze();
  expect(axe.violations, 'the composer in Note mode').toEqual([]);
  await maya.getByTestId('reply-input').fill(`@tom refunded last week (${SECRET})`);
  await maya.getByTestId('reply-input').press('Enter');

  const mayasNote = maya.getByTestId('note');
  await expect(mayasNote).toHaveCount(1);
  await expect(mayasNote).toContainText(SECRET);
  await expect(mayasNote.locator('.confab-sender')).toHaveText('You · Note');
  await expect(mayasNote).toContainText('Only your team sees this');
  // Tom hears it live, signed with Maya's name.
  const tomsNote = tom.getByTestId('note');
  await expect(tomsNote).toHaveCount(1);
  await expect(tomsNote.locator('.confab-sender')).toHaveText('Maya Lopez · Note');

  // Back to Reply: the user gets the reply, and nothing of the note.
  await maya.getByTestId('mode-reply').click();
  await expect(maya.getByTestId('composer')).toHaveAttribute('data-mode', 'reply');
  await maya.getByTestId('reply-input').fill('We refunded the second charge.');
  await maya.getByTestId('reply-input').press('Enter');
  const received = user.locator('[data-testid="support-message"][data-sender="admin"]');
  await expect(received).toHaveCount(1);
  await expect(user.locator('body')).not.toContainText(SECRET);
  expect(await user.content()).not.toContain(SECRET);
  // Rendered again by the server, and live again: still nothing.
  await user.reload();
  await openWidget(user);
  await expect(received).toHaveCount(1);
  expect(await user.content()).not.toContain(SECRET);

  // The note is part of the conversation for staff after a reload too.
  await maya.reload();
  await expect(maya.getByTestId('note')).toContainText(SECRET);
});

test('a label defined by an admin reaches a colleague\'s card live and the filter finds the chat', async ({
  browser,
}) => {
  const user = await personPage(browser);
  const email = await signUp(user, confab.url);
  await openWidget(user);
  await sendFromWidget(user, 'I want to upgrade');

  const maya = await colleague(browser, 'maya@team.example.com', 'Maya', 'admin');
  const tom = await colleague(browser, 'tom@team.example.com', 'Tom');

  // Maya defines the label on /admin/labels.
  await maya.goto(`${confab.url}/admin/labels`);
  await expect(maya.getByTestId('new-label-submit')).toBeVisible();
  await maya.getByTestId('new-label-name').fill('VIP');
  await maya.getByTestId('new-label').getByTestId('label-color').selectOption({ label: 'Purple' });
  await maya.getByTestId('new-label-submit').click();
  await expect(maya.getByTestId('label-row')).toHaveCount(1);
  await expect(maya.getByTestId('label-row').getByTestId('label-chip')).toHaveText('VIP');
  await expect(maya.getByTestId('label-row').getByTestId('label-chip')).toHaveClass(/label-4/);
  const page = await new AxeBuilder({ page: maya }).analyze();
  expect(page.violations, '/admin/labels').toEqual([]);

  // She opens the chat and puts the label on it from the keyboard.
  await maya.goto(`${confab.url}/admin/chats`);
  await openChat(maya, email);
  await maya.getByTestId('message-column').focus();
  await maya.keyboard.press('l');
  await expect(maya.getByTestId('label-choice')).toHaveCount(1);
  const menu = await new AxeBuilder({ page: maya }).include('[data-testid="label-bar"]').analyze();
  expect(menu.violations, 'the label menu').toEqual([]);
  await maya.getByTestId('label-choice').getByRole('checkbox').check();
  await expect(maya.getByTestId('label-bar').getByTestId('label-chip')).toHaveText(['VIP']);
  await expect(maya.getByTestId('activity-line').last()).toHaveText(/^Maya added “VIP” · /);

  // Tom's card shows it at once, and his label filter finds the chat.
  const card = tom.getByTestId('chat-card').filter({ hasText: email });
  await expect(card.getByTestId('label-chip')).toHaveText('VIP');
  await tom.getByTestId('label-filter').selectOption({ label: 'VIP' });
  await expect(tom).toHaveURL(/label=/);
  await expect(tom.getByTestId('chat-card')).toHaveCount(1);
  await expect(tom.getByTestId('chat-card')).toContainText(email);

  // Taken off again: it leaves Tom's filtered list live.
  await maya.getByTestId('label-choice').getByRole('checkbox').uncheck();
  await expect(tom.getByTestId('chats-empty')).toBeVisible();
});

test('a mention picked with @ reaches the colleague live and lands in Mentions', async ({ browser }) => {
  const user = await personPage(browser);
  const email = await signUp(user, confab.url);
  await openWidget(user);
  await sendFromWidget(user, 'Can someone check my invoice?');

  const maya = await colleague(browser, 'maya@team.example.com', 'Maya');
  const tom = await colleague(browser, 'tom@team.example.com', 'Tom Baker');
  await expect(tom.getByTestId('mentions-unseen')).toHaveCount(0);
  await openChat(maya, email);
  await maya.getByTestId('mode-note').click();
  const input = maya.getByTestId('reply-input');
  await input.pressSequentially('@to');
  const options = maya.getByTestId('picker-option');
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText('Tom Baker');
  await input.press('Enter');
  await expect(input).toHaveValue('@Tom Baker ');
  await input.pressSequentially('please check the invoice');
  await input.press('Enter');
  await expect(maya.getByTestId('note')).toHaveCount(1);

  // Tom hears it at once: the Mentions tab counts it.
  await expect(tom.getByTestId('mentions-unseen')).toHaveText('1');
  await tom.getByTestId('view-mentions').click();
  await expect(tom.getByTestId('mention')).toHaveCount(1);
  await expect(tom.getByTestId('mention')).toHaveAttribute('data-seen', 'false');
  await expect(tom.getByTestId('mention-note')).toHaveText('@Tom Baker please check the invoice');
  await expect(tom.getByTestId('mention')).toContainText(email);
  // Opening the conversation sees it.
  await tom.getByTestId('mention').locator('a').click();
  await expect(tom.getByTestId('note')).toContainText('please check the invoice');
  await tom.goto(`${confab.url}/admin/mentions`);
  await expect(tom.getByTestId('mention')).toHaveAttribute('data-seen', 'true');
  const page = await new AxeBuilder({ page: tom }).analyze();
  expect(page.violations, '/admin/mentions').toEqual([]);
});

test('a saved reply is picked with / and sent with its variables filled', async ({ browser }) => {
  const user = await personPage(browser);
  const email = await signUp(user, confab.url);
  await openWidget(user);
  await sendFromWidget(user, 'Where is my refund?');

  const maya = await colleague(browser, 'maya@team.example.com', 'Maya', 'admin');
  await maya.goto(`${confab.url}/admin/replies`);
  await expect(maya.getByTestId('reply-save')).toBeVisible();
  const form = maya.getByTestId('reply-form');
  await form.getByTestId('reply-title').fill('Refund on its way');
  await form.getByTestId('reply-shortcut').fill('refund');
  await form.getByTestId('reply-body').fill('Hi {{user.email}}, {{agent.name}} here: the refund is on its way ({{order.id}}).');
  await form.getByTestId('reply-save').click();
  await expect(maya.getByTestId('reply-row')).toHaveCount(1);
  const library = await new AxeBuilder({ page: maya }).analyze();
  expect(library.violations, '/admin/replies').toEqual([]);

  await maya.goto(`${confab.url}/admin/chats`);
  await openChat(maya, email);
  const input = maya.getByTestId('reply-input');
  await input.focus();
  await input.pressSequentially('/ref');
  await expect(maya.getByTestId('picker-option')).toHaveCount(1);
  await expect(maya.getByTestId('picker-option')).toHaveAttribute('aria-selected', 'true');
  const picker = await new AxeBuilder({ page: maya }).include('[data-testid="composer"]').analyze();
  expect(picker.violations, 'the composer with the picker open').toEqual([]);
  await input.press('Enter');
  // Filled, with the unknown variable left for Maya to see; nothing sent yet.
  const filled = `Hi ${email}, Maya here: the refund is on its way ({{order.id}}).`;
  await expect(input).toHaveValue(filled);
  await expect(maya.getByTestId('composer-picker')).toBeHidden();
  await input.fill(filled.replace('{{order.id}}', 'order 1042'));
  await input.press('Enter');
  const received = user.locator('[data-testid="support-message"][data-sender="admin"]');
  await expect(received).toHaveCount(1);
  await expect(received.first()).toContainText(`Hi ${email}, Maya here: the refund is on its way (order 1042).`);
});
