// Staff tools in real browsers: Maya and Tom each in a browser context of their own, the user
// in the hosted widget. A private note written in Maya's composer (Note mode, `n`) appears in
// her conversation and in Tom's, live, and never in the user's widget, not even after a reply
// arrives and a reload. Each test runs its own Confab server (support/confab.ts).
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
async function colleague(browser: Browser, email: string, name: string) {
  const password = confab.addStaff(email, name, 'agent');
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
