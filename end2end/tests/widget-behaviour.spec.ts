// The hosted widget's promises to the person typing in it: a message the server refuses or
// does not confirm within 10 s shows "Not sent. Retry", stays, and Retry delivers it once; a
// "New messages" pill when a reply arrives below a reader who scrolled up; the chime's mute
// toggle, remembered; and Enter that ends an IME composition never sending. Staff act through
// the REST API. Each test runs its own Confab server (support/confab.ts).
import { randomUUID } from 'node:crypto';
import type { Page, WebSocketRoute } from '@playwright/test';
import { test, expect } from './fixtures';
import { Confab, type Staff } from './support/confab';
import { openWidget, sendFromWidget, signUp as signUpAt } from './support/people';

let confab: Confab;
let staff: Staff;

test.beforeEach(async () => {
  confab = await Confab.start();
  staff = await confab.staff();
});

// The page closes before its server stops (hooks run before fixtures are torn down).
test.afterEach(async ({ page }) => {
  await page.close();
  await staff.api.dispose();
  await confab.stop();
});

/** Signs a new user up on this test's server. */
const signUp = (page: Page) => signUpAt(page, confab.url);

/** A `/ws` frame as JSON, or null for anything else. */
type Frame = { type?: string; client_id?: string; chat_id?: string; message?: { client_id?: string } };
function frameOf(message: string | Buffer): Frame | null {
  if (typeof message !== 'string') return null;
  try {
    return JSON.parse(message) as Frame;
  } catch {
    return null;
  }
}

/** How many stored messages of the chat have exactly `content`, as staff see it. */
async function storedCopies(chatId: string, content: string): Promise<number> {
  return (await staff.view(chatId)).messages.filter((m) => m.content === content).length;
}

test('a message the server refuses shows "Not sent. Retry" at once and stays; Retry delivers it once', async ({ page }) => {
  await page.clock.install();
  // The widget's socket goes through the test: its first `send_message` reaches the server
  // naming a chat that is not the user's, so the server itself refuses it (an `error` frame
  // whose `ref` is the message's client_id). Everything else passes unchanged.
  let refuse = true;
  const sent: string[] = [];
  await page.routeWebSocket(/\/ws$/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = frameOf(message);
      if (frame?.type === 'send_message' && frame.client_id) {
        sent.push(frame.client_id);
        if (refuse) {
          server.send(JSON.stringify({ ...frame, chat_id: randomUUID() }));
          return;
        }
      }
      server.send(message);
    });
  });
  const email = await signUp(page);
  await openWidget(page);
  const chatId = await staff.chatOf(email);
  // Time stands still from here (it moves only when the test says), so what shows
  // "Not sent" is the refusal, not the 10 s timeout.
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);

  const text = 'Please refuse me once';
  await page.getByTestId('support-input').fill(text);
  await page.getByTestId('support-input').press('Enter');
  const pending = page.getByTestId('support-pending');
  await expect(pending).toHaveCount(1);
  await expect(pending).toHaveAttribute('data-failed', 'true');
  await expect(pending.locator('.confab-bubble')).toHaveText(text);
  await expect(pending).toContainText('Not sent.');
  await expect(page.getByTestId('support-retry')).toHaveText('Retry');
  expect(sent).toHaveLength(1);

  // It never vanishes: a minute later it is still there, still offering Retry, and nothing
  // was stored.
  await page.clock.fastForward(60_000);
  await expect(pending).toHaveCount(1);
  await expect(pending).toHaveAttribute('data-failed', 'true');
  await expect(page.getByTestId('support-retry')).toBeVisible();
  await expect(page.locator('[data-testid="support-message"][data-sender="user"]')).toHaveCount(0);
  expect(await storedCopies(chatId, text)).toBe(0);
  await page.clock.resume();

  refuse = false;
  await page.getByTestId('support-retry').click();
  await expect(pending).toHaveCount(0);
  const mine = page.locator('[data-testid="support-message"][data-sender="user"]');
  await expect(mine).toHaveCount(1);
  await expect(mine.locator('.confab-bubble')).toHaveText(text);
  // Sent again under the same client_id, and stored once.
  expect(sent).toHaveLength(2);
  expect(sent[1]).toBe(sent[0]);
  expect(await storedCopies(chatId, text)).toBe(1);
});

test('a message the server does not confirm within 10 s shows "Not sent. Retry" and stays, so does an unconfirmed retry; Retry delivers it once', async ({ page }) => {
  await page.clock.install();
  // The server stores the first message but its answers about it (`sent`, and `new_message`
  // carrying its client_id) are lost on the way back, until the user retries.
  let lose = true;
  let lost: string | null = null;
  const sent: string[] = [];
  await page.routeWebSocket(/\/ws$/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = frameOf(message);
      if (frame?.type === 'send_message' && frame.client_id) {
        sent.push(frame.client_id);
        lost ??= frame.client_id;
      }
      server.send(message);
    });
    server.onMessage((message) => {
      const frame = frameOf(message);
      const about = frame?.client_id ?? frame?.message?.client_id;
      if (lose && about && about === lost) return;
      ws.send(message);
    });
  });
  const email = await signUp(page);
  await openWidget(page);
  const chatId = await staff.chatOf(email);

  const text = 'Did this arrive?';
  await page.getByTestId('support-input').fill(text);
  await page.getByTestId('support-input').press('Enter');
  const sentAt = await page.evaluate(() => Date.now());
  const pending = page.getByTestId('support-pending');
  await expect(pending).toHaveCount(1);
  await expect(pending).toHaveAttribute('data-failed', 'false');
  await expect(pending).toContainText('Sending…');
  // The server has it; the widget has not heard so.
  await expect.poll(() => storedCopies(chatId, text)).toBe(1);

  // Time stands still from 9 s after Enter, and moves on only when the test says: still
  // "Sending…" then, "Not sent. Retry" at 10 s.
  await page.clock.pauseAt(sentAt + 9_000);
  await expect(pending).toHaveAttribute('data-failed', 'false');
  await expect(page.getByTestId('support-retry')).toHaveCount(0);
  await page.clock.fastForward(1_000);
  await expect(pending).toHaveAttribute('data-failed', 'true');
  await expect(pending).toContainText('Not sent.');
  await expect(page.getByTestId('support-retry')).toHaveText('Retry');

  // It never vanishes.
  await page.clock.fastForward(60_000);
  await expect(pending).toHaveCount(1);
  await expect(pending.locator('.confab-bubble')).toHaveText(text);
  await expect(page.getByTestId('support-retry')).toBeVisible();
  await expect(page.locator('[data-testid="support-message"][data-sender="user"]')).toHaveCount(0);

  // A retry whose answer is lost too waits 10 s again, then offers Retry again.
  await page.getByTestId('support-retry').click();
  await expect(pending).toHaveAttribute('data-failed', 'false');
  await expect(pending).toContainText('Sending…');
  await page.clock.fastForward(9_000);
  await expect(pending).toHaveAttribute('data-failed', 'false');
  await page.clock.fastForward(1_000);
  await expect(pending).toHaveAttribute('data-failed', 'true');
  await expect(page.getByTestId('support-retry')).toHaveText('Retry');
  await page.clock.resume();

  // Retry goes under the same client_id: the server answers with the message it stored, and
  // stores no second one.
  lose = false;
  await page.getByTestId('support-retry').click();
  await expect(pending).toHaveCount(0);
  const mine = page.locator('[data-testid="support-message"][data-sender="user"]');
  await expect(mine).toHaveCount(1);
  await expect(mine.locator('.confab-bubble')).toHaveText(text);
  expect(sent).toEqual([lost, lost, lost]);
  expect(await storedCopies(chatId, text)).toBe(1);
  await page.reload();
  await expect(page.getByTestId('support-widget')).toHaveAttribute('data-hydrated', 'true');
  await openWidget(page);
  await expect(page.locator('.confab-bubble', { hasText: text })).toHaveCount(1);
});

/** How far (px) the message list is scrolled up from its bottom. */
const fromBottom = (page: Page) =>
  page.getByTestId('support-messages').evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight);

/** The list's scroll position once it stopped moving (a wheel scroll may be animated). */
const settledScrollTop = (page: Page) =>
  page.getByTestId('support-messages').evaluate(
    (list) =>
      new Promise<number>((resolve) => {
        let last = -1;
        let still = 0;
        const look = () => {
          still = list.scrollTop === last ? still + 1 : 0;
          last = list.scrollTop;
          if (still >= 3) resolve(last);
          else requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      }),
  );

test('a reply arriving while the reader is scrolled up shows "New messages", which scrolls down and goes; none at the bottom', async ({ page }) => {
  const email = await signUp(page);
  await openWidget(page);
  await sendFromWidget(page, 'A long conversation, please');
  const chatId = await staff.chatOf(email);
  for (let n = 1; n <= 24; n++) await staff.reply(chatId, `answer ${n}`);
  const theirs = page.locator('[data-testid="support-message"][data-sender="admin"]');
  await expect(theirs).toHaveCount(24);
  const list = page.getByTestId('support-messages');
  const pill = page.getByTestId('support-new-messages');
  // More than the list shows: it scrolls, and follows the newest message.
  expect(await list.evaluate((l) => l.scrollHeight > 2 * l.clientHeight)).toBe(true);
  await expect.poll(() => fromBottom(page)).toBeLessThanOrEqual(1);

  // At the bottom, a reply scrolls into view without a pill.
  await staff.reply(chatId, 'while you read the newest');
  await expect(theirs).toHaveCount(25);
  await expect(theirs.last()).toBeInViewport();
  await expect.poll(() => fromBottom(page)).toBeLessThanOrEqual(1);
  await expect(pill).toBeHidden();

  // The reader scrolls up with the mouse wheel; a reply arrives below them.
  await list.hover();
  await page.mouse.wheel(0, -800);
  await expect.poll(() => fromBottom(page)).toBeGreaterThan(400);
  const place = await settledScrollTop(page);
  await expect(pill).toBeHidden();
  await staff.reply(chatId, 'while you were reading above');
  await expect(theirs).toHaveCount(26);
  await expect(pill).toBeVisible();
  await expect(pill).toHaveText('New messages');
  // They stay where they were.
  expect(await list.evaluate((l) => l.scrollTop)).toBe(place);
  await expect(theirs.last()).not.toBeInViewport();

  await pill.click();
  await expect(pill).toBeHidden();
  await expect.poll(() => fromBottom(page)).toBeLessThanOrEqual(1);
  await expect(theirs.last()).toBeInViewport();

  // Back at the bottom: the next reply brings no pill.
  await staff.reply(chatId, 'and one more');
  await expect(theirs).toHaveCount(27);
  await expect(theirs.last()).toBeInViewport();
  await expect(pill).toBeHidden();
});

test('muting the chime is remembered across a reload; a staff message chimes only while unmuted', async ({ page }) => {
  // Every note the page starts, by its frequency: the chime is two oscillators (880 and
  // 1320 Hz).
  await page.addInitScript(() => {
    const notes: number[] = [];
    (window as unknown as { chimeNotes: number[] }).chimeNotes = notes;
    const start = AudioScheduledSourceNode.prototype.start;
    AudioScheduledSourceNode.prototype.start = function (this: AudioScheduledSourceNode, ...args: [number?]) {
      if (this instanceof OscillatorNode) notes.push(this.frequency.value);
      return start.apply(this, args);
    };
  });
  const notes = () => page.evaluate(() => (window as unknown as { chimeNotes: number[] }).chimeNotes);
  const stored = () => page.evaluate(() => localStorage.getItem('confab:widget:muted'));
  const theirs = page.locator('[data-testid="support-message"][data-sender="admin"]');
  const mute = page.getByTestId('support-mute');

  const email = await signUp(page);
  await openWidget(page);
  await sendFromWidget(page, 'Ring me when you answer');
  const chatId = await staff.chatOf(email);
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  expect(await stored()).toBeNull();

  await staff.reply(chatId, 'a reply that chimes');
  await expect(theirs).toHaveCount(1);
  await expect.poll(notes).toEqual([880, 1320]);

  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await expect(mute).toHaveAttribute('title', 'Unmute sound');
  expect(await stored()).toBe('1');

  // Remembered: still muted after a reload.
  await page.reload();
  await expect(page.getByTestId('support-widget')).toHaveAttribute('data-hydrated', 'true');
  await openWidget(page);
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await expect(theirs).toHaveCount(1);
  expect(await notes()).toEqual([]);

  await staff.reply(chatId, 'a reply while muted');
  await expect(theirs).toHaveCount(2);
  expect(await notes()).toEqual([]);

  // Unmuted, the next reply chimes once: had the muted one chimed, there would be four notes.
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  expect(await stored()).toBeNull();
  await staff.reply(chatId, 'a reply after unmuting');
  await expect(theirs).toHaveCount(3);
  await expect.poll(notes).toEqual([880, 1320]);

  await page.reload();
  await expect(page.getByTestId('support-widget')).toHaveAttribute('data-hydrated', 'true');
  await openWidget(page);
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
});

test('Enter that ends an IME composition never sends; a plain Enter afterwards does', async ({ page }) => {
  const email = await signUp(page);
  await openWidget(page);
  const chatId = await staff.chatOf(email);
  const input = page.getByTestId('support-input');
  const anything = page.locator('[data-testid="support-message"], [data-testid="support-pending"]');

  // Chromium's order: the Enter that picks the conversion is a keydown while composing
  // (isComposing, keyCode 229), then the composition ends.
  await input.evaluate((el: HTMLTextAreaElement) => {
    el.focus();
    el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
    el.value = 'にほんご';
    el.dispatchEvent(
      new InputEvent('input', { bubbles: true, isComposing: true, inputType: 'insertCompositionText', data: 'にほんご' }),
    );
    el.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true }),
    );
    el.value = '日本語';
    el.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, inputType: 'insertCompositionText', data: '日本語' }));
    el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '日本語' }));
  });
  await expect(input).toHaveValue('日本語');
  await expect(page.getByTestId('support-send')).toBeEnabled();

  // Safari's order: the composition ends first, and the Enter after it is no longer
  // "composing" but still keyCode 229.
  await input.evaluate((el: HTMLTextAreaElement) => {
    el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
    el.value = '日本語で';
    el.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, inputType: 'insertCompositionText', data: 'で' }));
    el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: 'で' }));
    el.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 229, isComposing: false, bubbles: true, cancelable: true }),
    );
  });
  await expect(input).toHaveValue('日本語で');

  // An Enter that says only that it is composing (keyCode 13) does not send either.
  await input.evaluate((el: HTMLTextAreaElement) => {
    el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
    el.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 13, isComposing: true, bubbles: true, cancelable: true }),
    );
    el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '' }));
  });
  await expect(input).toHaveValue('日本語で');

  // None of them sent anything: nothing shows, and the server stores only what the plain
  // Enter below sends (a message sent by any of them would have been sent before it).
  await expect(anything).toHaveCount(0);

  await input.press('Enter');
  await expect(input).toHaveValue('');
  const mine = page.locator('[data-testid="support-message"][data-sender="user"]');
  await expect(mine).toHaveCount(1);
  await expect(mine.locator('.confab-bubble')).toHaveText('日本語で');
  await expect(page.getByTestId('support-pending')).toHaveCount(0);
  const stored = (await staff.view(chatId)).messages;
  expect(stored.map((m) => m.content)).toEqual(['日本語で']);
});
