// The widget on the hosted app's pages, for a signed-up user, with staff acting through the
// REST API as the dashboard does. Each test runs its own Confab server (support/confab.ts),
// so one can stop and restart it.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { Confab, type Staff } from './support/confab';
import { openWidget, signUp as signUpAt } from './support/people';

let confab: Confab;
let staff: Staff;

test.beforeEach(async () => {
  confab = await Confab.start();
  staff = await confab.staff();
});

// The page closes before its server stops: hooks run before fixtures are torn down, and an
// open page would report its refused reconnection as a console error.
test.afterEach(async ({ page }) => {
  await page.close();
  await staff.api.dispose();
  await confab.stop();
});

/** Signs a new user up on this test's server. */
const signUp = (page: Page) => signUpAt(page, confab.url);

/** Every message in the widget: seq order, each once. */
async function expectOrderedOnce(page: Page) {
  const seqs = await page.getByTestId('support-message').evaluateAll((nodes) =>
    nodes.map((n) => Number(n.getAttribute('data-seq'))),
  );
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
}

test('messages go both ways live, in order, once; Enter sends, Shift+Enter adds a line', async ({ page }) => {
  const email = await signUp(page);
  await openWidget(page);
  const input = page.getByTestId('support-input');
  await expect(input).toBeFocused();
  await expect(page.getByTestId('support-send')).toBeDisabled();

  await input.pressSequentially('Hello there');
  await input.press('Shift+Enter');
  await input.pressSequentially('second line');
  await expect(input).toHaveValue('Hello there\nsecond line');
  await expect(page.getByTestId('support-message')).toHaveCount(0);
  await input.press('Enter');
  await expect(input).toHaveValue('');
  const mine = page.locator('[data-testid="support-message"][data-sender="user"]');
  await expect(mine).toHaveCount(1);
  await expect(mine.locator('.confab-bubble')).toHaveText('Hello there\nsecond line');

  const chatId = await staff.chatOf(email);
  await staff.reply(chatId, 'See https://example.com/docs?a=1 or <b>bold</b><img src=x onerror="window.pwned=1">');
  const theirs = page.locator('[data-testid="support-message"][data-sender="admin"]');
  await expect(theirs).toHaveCount(1);
  const link = theirs.locator('a');
  await expect(link).toHaveAttribute('href', 'https://example.com/docs?a=1');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(theirs.locator('b, img')).toHaveCount(0);
  await expect(theirs.locator('.confab-bubble')).toContainText('<b>bold</b><img src=x onerror="window.pwned=1">');
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

  for (const n of [1, 2, 3]) {
    await input.fill(`user ${n}`);
    await input.press('Enter');
    await staff.reply(chatId, `staff ${n}`);
  }
  await expect(page.getByTestId('support-message')).toHaveCount(8);
  await expect(page.getByTestId('support-pending')).toHaveCount(0);
  await expectOrderedOnce(page);
  const texts = await page.locator('[data-testid="support-message"] .confab-bubble').allTextContents();
  expect(texts.slice(2)).toEqual(['user 1', 'staff 1', 'user 2', 'staff 2', 'user 3', 'staff 3']);

  // The reload renders the same conversation once each, in order.
  await page.reload();
  await expect(page.getByTestId('support-widget')).toHaveAttribute('data-hydrated', 'true');
  await openWidget(page);
  await expect(page.getByTestId('support-message')).toHaveCount(8);
  await expectOrderedOnce(page);
});

test('the badge counts unread replies up to "9+", clears on open, and both sides see the read', async ({ page, browser }) => {
  const email = await signUp(page);
  await openWidget(page);
  await page.getByTestId('support-input').fill('Is anyone there?');
  await page.getByTestId('support-input').press('Enter');
  await expect(page.locator('[data-sender="user"]')).toHaveCount(1);
  const chatId = await staff.chatOf(email);

  // Staff open the chat: the user's message shows "Seen".
  await staff.view(chatId);
  await expect(page.getByTestId('support-seen')).toBeVisible();

  await page.keyboard.press('Escape');
  await expect(page.getByTestId('support-panel')).toHaveCount(0);
  await expect(page.getByTestId('support-button')).toBeFocused();
  for (const n of [1, 2, 3]) await staff.reply(chatId, `reply ${n}`);
  await expect(page.getByTestId('support-badge')).toHaveText('3');
  await expect(page.getByTestId('support-button')).toHaveAttribute('aria-label', 'Open support chat, 3 unread messages');
  // The server renders the badge: it shows before (here: without) any wasm.
  const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const plain = await noScript.newPage();
  await plain.goto(`${confab.url}/`);
  await expect(plain.getByTestId('support-badge')).toHaveText('3');
  await expect(plain.getByTestId('support-button')).toHaveAttribute('aria-label', 'Open support chat, 3 unread messages');
  await noScript.close();
  for (let n = 4; n <= 12; n++) await staff.reply(chatId, `reply ${n}`);
  await expect(page.getByTestId('support-badge')).toHaveText('9+');
  await expect(page.getByTestId('support-button')).toHaveAttribute('aria-label', /12 unread messages/);

  await openWidget(page);
  await expect(page.getByTestId('support-badge')).toHaveCount(0);
  // The server recorded the read: staff see every reply read.
  await expect
    .poll(async () => (await staff.view(chatId)).messages.filter((m) => m.sender_type === 'admin' && !m.read_at).length)
    .toBe(0);
  await page.reload();
  await expect(page.getByTestId('support-widget')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('support-badge')).toHaveCount(0);
});

test('older messages load on scroll-up, each once, in order', async ({ page }) => {
  const email = await signUp(page);
  await openWidget(page);
  await page.getByTestId('support-input').fill('The first message');
  await page.getByTestId('support-input').press('Enter');
  await expect(page.locator('[data-sender="user"]')).toHaveCount(1);
  const chatId = await staff.chatOf(email);
  for (let n = 1; n <= 59; n++) await staff.reply(chatId, `reply ${n}`);
  // A fresh page holds the newest 50; the first message is older.
  await page.reload();
  await expect(page.getByTestId('support-widget')).toHaveAttribute('data-hydrated', 'true');
  await openWidget(page);
  await expect(page.getByTestId('support-message')).toHaveCount(50);
  await expect(page.locator('.confab-bubble', { hasText: 'The first message' })).toHaveCount(0);
  // The widget is styled on the hosted page too: a fixed-size panel whose list scrolls.
  expect(await page.getByTestId('support-panel').evaluate((p) => (p as HTMLElement).offsetWidth)).toBe(370);
  await page.getByTestId('support-messages').evaluate((list) => list.scrollTo(0, 0));
  await expect(page.getByTestId('support-message')).toHaveCount(60);
  await expect(page.locator('.confab-bubble', { hasText: 'The first message' })).toHaveCount(1);
  await expectOrderedOnce(page);
});

test('the dot is grey while the server is down; messages written meanwhile arrive once', async ({ page, browserConsole }) => {
  // The browser reports the refused reconnection attempts and polls while the server is down.
  test.setTimeout(90_000);
  // Only refused connections: a 404 or a 500 meanwhile ("the server responded with a status
  // of …") still fails the test.
  browserConsole.allow(/net::ERR_CONNECTION_REFUSED|^WebSocket connection to .* failed/);
  const email = await signUp(page);
  await openWidget(page);
  await page.getByTestId('support-input').fill('before the outage');
  await page.getByTestId('support-input').press('Enter');
  await expect(page.locator('[data-sender="user"]')).toHaveCount(1);
  const chatId = await staff.chatOf(email);

  await confab.halt();
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'closed');
  for (const text of ['during the outage 1', 'during the outage 2']) {
    await page.getByTestId('support-input').fill(text);
    await page.getByTestId('support-input').press('Enter');
  }
  await expect(page.getByTestId('support-pending')).toHaveCount(2);

  await confab.resume();
  await staff.reply(chatId, 'we are back');
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open', { timeout: 40_000 });
  await expect(page.getByTestId('support-pending')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('support-message')).toHaveCount(4);
  for (const text of ['during the outage 1', 'during the outage 2', 'we are back']) {
    await expect(page.locator('.confab-bubble', { hasText: text })).toHaveCount(1);
  }
  await expectOrderedOnce(page);
});

test('the hosted widget has no accessibility violations, closed or open', async ({ page }) => {
  await signUp(page);
  const closed = await new AxeBuilder({ page }).analyze();
  expect(closed.violations).toEqual([]);
  await openWidget(page);
  await page.getByTestId('support-input').fill('An accessible hello');
  await page.getByTestId('support-input').press('Enter');
  await expect(page.locator('[data-sender="user"]')).toHaveCount(1);
  const open = await new AxeBuilder({ page }).analyze();
  expect(open.violations).toEqual([]);
});
