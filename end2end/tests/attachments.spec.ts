// Attachments in real browsers: a user pastes a screenshot into the hosted widget, watches it
// upload (the network slowed, so the progress bar is seen), and sends it alone; staff see its
// thumbnail arrive live, open the picture and find it in the person panel. Staff attach a PDF
// with the composer's attach button and the user downloads it, byte for byte. axe-core checks
// both sides with the files in view. Each test runs its own Confab server (support/confab.ts).
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
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

test.afterEach(async () => {
  for (const context of contexts) await context.close();
  await confab.stop();
});

async function personPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

/** Staff, signed in, with the user's chat open and live. */
async function staffOn(browser: Browser, email: string): Promise<Page> {
  const staff = await personPage(browser);
  await signInStaff(staff, confab.url, '/admin/chats?view=open');
  await staff.getByTestId('chat-card').filter({ hasText: email }).locator('a').click();
  await expect(staff.getByTestId('message-column')).toHaveAttribute('data-live', 'true');
  return staff;
}

/** Pastes a noisy 400 × 300 PNG (a few hundred kilobytes) made by a canvas into `selector`. */
async function pasteScreenshot(page: Page, selector: string) {
  await page.locator(selector).evaluate(async (input) => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    const pixels = context.createImageData(400, 300);
    for (let i = 0; i < pixels.data.length; i += 1) pixels.data[i] = (i * 7919) % 251;
    context.putImageData(pixels, 0, 0);
    const blob: Blob = await new Promise((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'),
    );
    const data = new DataTransfer();
    data.items.add(new File([blob], 'screenshot.png', { type: 'image/png' }));
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

test('a pasted screenshot uploads with progress, and staff see and open it live', async ({ browser, browserConsole }) => {
  // The picture opens in a page of its own under the files' sandboxing policy: Chromium's
  // image viewer's own inline styles and scripts are refused there, as every script would be.
  browserConsole.allow(/violates the following Content Security Policy directive 'default-src 'none''/);
  browserConsole.allow(/because the document's frame is sandboxed/);
  const user = await personPage(browser);
  const email = await signUp(user, confab.url);
  await openWidget(user);
  await sendFromWidget(user, 'The checkout page shows an error');
  const staff = await staffOn(browser, email);

  // A slow uplink: the upload takes long enough to watch.
  const cdp = await user.context().newCDPSession(user);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: 64 * 1024,
  });
  await pasteScreenshot(user, '[data-testid="support-input"]');
  const upload = user.getByTestId('upload');
  await expect(upload).toHaveAttribute('data-state', 'sending');
  await expect(upload.locator('progress')).toBeVisible();
  // The message waits for its upload.
  await expect(user.getByTestId('support-send')).toBeDisabled();
  await expect(upload).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await expect(user.getByTestId('support-send')).toBeEnabled();
  await user.getByTestId('support-send').click();
  await expect(user.getByTestId('uploads')).toBeHidden();
  const sent = user.locator('[data-testid="support-message"][data-sender="user"]').last();
  await expect(sent.getByTestId('file-image').locator('img')).toBeVisible();

  // Staff: the thumbnail arrives live and loads; it opens the picture.
  const thumbnail = staff.getByTestId('message-column').getByTestId('file-image').locator('img');
  await expect(thumbnail).toBeVisible();
  // The link names the file (for screen readers; the thumbnail shows it).
  await expect(staff.getByTestId('message-column').getByTestId('file-image')).toContainText('screenshot.png');
  await expect
    .poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(320);
  const [picture] = await Promise.all([
    staff.context().waitForEvent('page'),
    staff.getByTestId('message-column').getByTestId('file-image').click(),
  ]);
  await picture.waitForLoadState();
  expect(new URL(picture.url()).pathname).toMatch(/^\/files\/[0-9a-f-]+$/);
  await expect(picture.locator('img')).toBeVisible();
  await expect(staff.getByTestId('person-files').getByTestId('file-image')).toHaveCount(1);

  const staffAxe = await new AxeBuilder({ page: staff }).analyze();
  expect(staffAxe.violations, 'the conversation with a file').toEqual([]);
  const userAxe = await new AxeBuilder({ page: user }).include('[data-testid="support-panel"]').analyze();
  expect(userAxe.violations, 'the widget with a file').toEqual([]);
});

test('staff attach a PDF and the user downloads it', async ({ browser }) => {
  const user = await personPage(browser);
  const email = await signUp(user, confab.url);
  await openWidget(user);
  await sendFromWidget(user, 'Can I have my invoice?');
  const staff = await staffOn(browser, email);

  const invoice = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.alloc(20_000, 'x')]);
  await staff
    .getByTestId('composer')
    .getByTestId('attach-input')
    .setInputFiles({ name: 'invoice 12.pdf', mimeType: 'application/pdf', buffer: invoice });
  await expect(staff.getByTestId('upload')).toHaveAttribute('data-state', 'done');
  const composerAxe = await new AxeBuilder({ page: staff }).include('[data-testid="composer"]').analyze();
  expect(composerAxe.violations, 'the composer with an upload').toEqual([]);
  await staff.getByTestId('reply-input').fill('Here is your invoice');
  await staff.getByTestId('reply-input').press('Enter');
  await expect(staff.getByTestId('uploads')).toBeHidden();

  const link = user.getByTestId('support-panel').getByTestId('file-link');
  await expect(link).toContainText('invoice 12.pdf');
  await expect(link).toContainText('21 KB');
  const [download] = await Promise.all([user.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('invoice 12.pdf');
  const path = await download.path();
  expect(readFileSync(path).equals(invoice)).toBe(true);
});
