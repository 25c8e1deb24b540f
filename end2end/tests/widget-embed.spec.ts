// The widget on another site: a host page on a second loopback port embeds it with one
// script tag and <support-chat>, under its own strict CSP (the README's advice) and hostile
// styles. Staff act through the REST API.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { test, expect } from './fixtures';
import { Confab, IDENTITY_SECRET, freePort, type Staff } from './support/confab';

let confab: Confab;
let staff: Staff;
let host: Server;
let hostUrl: string;

/** The host page: aggressive global styles, a 10px root font, a key logger, and optionally
 * element calls made as soon as the element is defined (before the widget's wasm loads). */
function hostPage(query: URLSearchParams): string {
  const attributes = query.get('attrs') ?? '';
  const early = query.get('early') ?? '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-inline' ${confab.url} 'wasm-unsafe-eval'; connect-src ${confab.url} ${confab.url.replace('http', 'ws')}; img-src 'self' ${confab.url}; style-src 'self' 'unsafe-inline'">
<title>Host shop</title>
<style>
  html { font-size: 10px !important; }
  * { color: rgb(255, 0, 0) !important; font-family: serif !important; font-size: 30px !important;
      line-height: 3 !important; box-sizing: content-box !important; letter-spacing: 4px !important; }
  button { background: rgb(0, 128, 0) !important; padding: 40px !important; }
</style>
</head>
<body>
<main><h1>Host shop</h1><p class="confab-bubble" id="host-probe">The host's own paragraph.</p></main>
<script>
  window.hostKeys = 0;
  window.events = [];
  document.addEventListener('keydown', () => { window.hostKeys += 1; });
  for (const name of ['support-chat:ready', 'support-chat:message', 'support-chat:unread']) {
    document.addEventListener(name, (e) => window.events.push({ name, detail: e.detail }));
  }
  customElements.whenDefined('support-chat').then(() => {
    const el = document.querySelector('support-chat');
    ${early}
  });
</script>
<script src="${confab.url}/embed.js" async></script>
<support-chat ${attributes}></support-chat>
</body>
</html>`;
}

test.beforeAll(async () => {
  const port = await freePort();
  hostUrl = `http://127.0.0.1:${port}`;
  confab = await Confab.start({ widgetOrigins: [hostUrl] });
  staff = await confab.staff();
  host = createServer((req, res) => {
    const url = new URL(req.url ?? '/', hostUrl);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostPage(url.searchParams));
  });
  await new Promise<void>((resolve) => host.listen(port, '127.0.0.1', resolve));
});

test.afterAll(async () => {
  await new Promise((resolve) => host.close(resolve));
  await staff.api.dispose();
  await confab.stop();
});

function page_url(attrs = '', early = ''): string {
  return `${hostUrl}/?${new URLSearchParams({ attrs, early })}`;
}

/** Sends `text` once the widget is connected (before that, Enter does not send). */
async function send(page: Page, text: string) {
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');
  const input = page.getByTestId('support-input');
  await input.fill(text);
  await input.press('Enter');
  await expect(page.locator('[data-testid="support-message"] .confab-bubble', { hasText: text })).toHaveCount(1);
}

function hashOf(userId: string): string {
  return createHmac('sha256', IDENTITY_SECRET).update(userId).digest('hex');
}

test('an anonymous visitor chats, then identify() with a correct hash carries the conversation over', async ({ page }) => {
  await page.goto(page_url());
  // The button is drawn before the widget loads.
  const button = page.getByRole('button', { name: 'Open support chat' });
  await expect(button).toBeVisible();
  await button.click();
  await expect(page.getByTestId('support-panel')).toBeVisible();
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');
  expect(await page.evaluate(() => (window as any).events.some((e: any) => e.name === 'support-chat:ready'))).toBe(true);

  await send(page, 'anonymous hello');
  // Keys typed in the widget never reach the host page's handlers.
  expect(await page.evaluate(() => (window as any).hostKeys)).toBe(0);
  await expect(page.getByTestId('support-email-prompt')).toBeVisible();

  const anonymous = (await staff.chats()).find((c) => c.user_email === null);
  expect(anonymous, 'the anonymous visitor has a chat').toBeTruthy();
  await staff.reply(anonymous!.id, 'Hello, visitor');
  await expect(page.locator('[data-sender="admin"]')).toHaveCount(1);
  await expect
    .poll(() => page.evaluate(() => (window as any).events.filter((e: any) => e.name === 'support-chat:message').map((e: any) => e.detail.content)))
    .toEqual(['anonymous hello', 'Hello, visitor']);
  // The reply arrived while the panel was open: read at once, so the count went 1 then 0.
  await expect
    .poll(() => page.evaluate(() => (window as any).events.filter((e: any) => e.name === 'support-chat:unread').map((e: any) => e.detail)))
    .toEqual([0, 1, 0]);

  await page.evaluate((hash) => {
    (document.querySelector('support-chat') as any).identify({ user_id: 'cust-42', email: 'cust42@example.com', name: 'Customer 42', user_hash: hash });
  }, hashOf('cust-42'));
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('support-message')).toHaveCount(2);
  await expect(page.getByTestId('support-notice')).toHaveCount(0);
  await send(page, 'now verified');
  const chatId = await staff.chatOf('cust42@example.com');
  const contents = (await staff.view(chatId)).messages.map((m) => m.content);
  expect(contents).toEqual(['anonymous hello', 'Hello, visitor', 'now verified']);

  // logout(): the visitor's token and conversation are gone from this site, and the token
  // no longer works on the server either.
  const token = await page.evaluate(
    () => Object.entries(localStorage).find(([k]) => k.startsWith('confab:widget:token:'))?.[1] ?? '',
  );
  expect(token).not.toBe('');
  await page.evaluate(() => (document.querySelector('support-chat') as any).logout());
  await expect(page.getByTestId('support-panel')).toHaveCount(0);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('confab:widget:token:')))).toEqual([]);
  await expect
    .poll(async () => (await page.request.get(`${confab.url}/api/support_chat`, { headers: { authorization: `Bearer ${token}` } })).status())
    .toBe(401);
  await page.getByTestId('support-button').click();
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('support-message')).toHaveCount(0);
});

test('the widget loads only on intent, from files any origin may load and cache', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(page_url('locale="ja" position="left"'));
  const button = page.getByRole('button', { name: 'サポートチャットを開く' });
  await expect(button).toBeVisible();
  // A first-time visitor: nothing but embed.js until they show intent.
  await page.waitForTimeout(2000);
  expect(requested.filter((p) => p.startsWith('/pkg/') || p === '/widget.css')).toEqual([]);
  const box = await button.boundingBox();
  expect(box!.x).toBeLessThan(100);
  await button.hover();
  await expect.poll(() => requested.some((p) => /^\/pkg\/embed-[0-9a-f]{16}\.wasm$/.test(p))).toBe(true);
  await page.getByTestId('support-button').click();
  await expect(page.getByTestId('support-input')).toHaveAttribute('placeholder', 'メッセージを入力…');

  for (const path of ['/embed.js', '/widget.css', '/pkg/embed.json']) {
    const answer = await page.request.get(`${confab.url}${path}`);
    expect(answer.headers()['access-control-allow-origin'], path).toBe('*');
    expect(answer.headers()['cross-origin-resource-policy'], path).toBe('cross-origin');
    expect(answer.headers()['cache-control'], path).toBe('public, max-age=300');
  }
  const manifest = await (await page.request.get(`${confab.url}/pkg/embed.json`)).json();
  const wasm = await page.request.get(`${confab.url}/pkg/${manifest.wasm}`);
  expect(wasm.headers()['content-type']).toBe('application/wasm');
  expect(wasm.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(wasm.headers()['access-control-allow-origin']).toBe('*');
});

test('every embed file is served brotli to browsers that accept it, gzip to the others', async ({ request }) => {
  const manifest = await (await request.get(`${confab.url}/pkg/embed.json`)).json();
  const files = ['/embed.js', '/widget.css', '/pkg/embed.json', `/pkg/${manifest.module}`, `/pkg/${manifest.wasm}`];
  for (const path of files) {
    for (const [accepted, sent] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip, deflate', 'gzip'],
    ]) {
      const answer = await request.get(`${confab.url}${path}`, { headers: { 'accept-encoding': accepted } });
      expect(answer.status(), path).toBe(200);
      expect(answer.headers()['content-encoding'], `${path} for ${accepted}`).toBe(sent);
      expect(answer.headers()['vary']?.toLowerCase(), path).toContain('accept-encoding');
    }
  }
});

test('a wrong user-hash is refused visibly and the visitor stays anonymous', async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 401/);
  await page.goto(page_url(`user-id="cust-77" email="cust77@example.com" user-hash="${hashOf('someone-else')}"`));
  await page.getByRole('button', { name: 'Open support chat' }).click();
  await expect(page.getByTestId('support-notice')).toContainText('could not be verified');
  await send(page, 'who am I?');
  const chats = await staff.chats();
  expect(chats.some((c) => c.user_email === 'cust77@example.com')).toBe(false);
});

/** An identity token as the embedding site's server signs it: a JWT, HS256. */
function identityToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', IDENTITY_SECRET).update(unsigned).digest('base64url')}`;
}

test('an identity-token attribute signs the visitor in with a verified email', async ({ page }) => {
  const exp = Math.floor(Date.now() / 1000) + 600;
  const token = identityToken({ sub: 'cust-jwt', email: 'jwt@example.com', name: 'Jay Dub', exp });
  await page.goto(page_url(`identity-token="${token}"`));
  await page.getByRole('button', { name: 'Open support chat' }).click();
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('support-notice')).toHaveCount(0);
  await send(page, 'signed by my shop');
  // The chat is the token's person's: its email came signed, from the token alone.
  const chatId = await staff.chatOf('jwt@example.com');
  expect((await staff.view(chatId)).messages.map((m) => m.content)).toEqual(['signed by my shop']);
});

test('a refused identity starts a fresh anonymous session, never the stored one', async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 401/);
  await page.goto(page_url());
  await page.getByRole('button', { name: 'Open support chat' }).click();
  await send(page, 'the previous visitor on this device');
  const expired = identityToken({ sub: 'cust-late', exp: Math.floor(Date.now() / 1000) - 600 });
  await page.goto(page_url(`identity-token="${expired}"`));
  await page.getByRole('button', { name: 'Open support chat' }).click();
  await expect(page.getByTestId('support-notice')).toContainText('could not be verified');
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('support-message')).toHaveCount(0);
});

// A 2 × 2 PNG, red and blue.
const PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4zwAEIOI/kAAAG/ID/VxhF44AAAAASUVORK5CYII=',
  'base64',
);

test('an embedded visitor sends a file, and sees the picture staff send back', async ({ page }) => {
  const exp = Math.floor(Date.now() / 1000) + 600;
  const token = identityToken({ sub: 'cust-files', email: 'files@example.com', exp });
  await page.goto(page_url(`identity-token="${token}"`));
  await page.getByRole('button', { name: 'Open support chat' }).click();
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');

  // Uploaded to the Confab host from the shop's page, with the visitor's token.
  const receipt = Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), Buffer.alloc(30_000, 'r')]);
  await page.getByTestId('attach-input').setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: receipt });
  await expect(page.getByTestId('upload')).toHaveAttribute('data-state', 'done');
  await page.getByTestId('support-input').fill('my receipt');
  await page.getByTestId('support-send').click();
  await expect(page.getByTestId('uploads')).toBeHidden();
  const mine = page.locator('[data-testid="support-message"][data-sender="user"]');
  await expect(mine.getByTestId('file-link')).toContainText('receipt.pdf');

  const chatId = await staff.chatOf('files@example.com');
  const [sent] = (await staff.view(chatId)).messages;
  expect(sent.content).toBe('my receipt');
  expect(sent.attachments.map((a) => [a.name, a.size, a.content_type])).toEqual([
    ['receipt.pdf', receipt.length, 'application/pdf'],
  ]);
  const stored = await staff.api.get(sent.attachments[0].url);
  expect(Buffer.from(await stored.body()).equals(receipt)).toBe(true);

  // Staff's picture shows in the widget, loaded from the Confab host under the shop's CSP.
  const picture = await staff.attach(chatId, { name: 'diagram.png', mimeType: 'image/png', buffer: PICTURE });
  await staff.reply(chatId, 'Here is how it works', [picture.id]);
  const shown = page.locator('[data-sender="admin"]').getByTestId('file-image').locator('img');
  await expect
    .poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(2);
});

test('calls made before the widget loaded are honoured', async ({ page }) => {
  const early = `el.identify({ user_id: 'cust-88', email: 'cust88@example.com', user_hash: '${hashOf('cust-88')}' }); el.open();`;
  await page.goto(page_url('locale="en"', early));
  await expect(page.getByTestId('support-panel')).toBeVisible();
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');
  await send(page, 'identified before load');
  await staff.chatOf('cust88@example.com');
});

test("the host page's styles do not change the widget, and the widget's do not leak out", async ({ page }) => {
  await page.goto(page_url('color="#0f766e"'));
  const button = page.getByRole('button', { name: 'Open support chat' });
  await button.click();
  await expect(page.getByTestId('support-panel')).toBeVisible();
  const widgetButton = page.getByTestId('support-button');
  // Layout size (the button grows a little under the pointer, by transform).
  expect(await widgetButton.evaluate((b) => [(b as HTMLElement).offsetWidth, (b as HTMLElement).offsetHeight])).toEqual([56, 56]);
  expect(await widgetButton.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(15, 118, 110)');
  expect(await page.getByTestId('support-panel').evaluate((p) => (p as HTMLElement).offsetWidth)).toBe(370);
  const input = page.getByTestId('support-input');
  const inputStyle = await input.evaluate((el) => {
    const s = getComputedStyle(el);
    return { fontSize: s.fontSize, lineHeight: s.lineHeight, letterSpacing: s.letterSpacing, color: s.color };
  });
  expect(inputStyle.fontSize).toBe('14px');
  expect(inputStyle.lineHeight).toBe('20px');
  expect(inputStyle.letterSpacing).toBe('normal');
  expect(inputStyle.color).not.toBe('rgb(255, 0, 0)');
  const title = await page.locator('.confab-title').evaluate((el) => getComputedStyle(el).fontFamily);
  expect(title).toContain('system-ui');
  // The widget's classes mean nothing on the host page.
  const probe = await page.locator('#host-probe').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(probe).toBe('rgba(0, 0, 0, 0)');
});

test('the embedded widget has no accessibility violations, closed or open', async ({ page }) => {
  await page.goto(page_url());
  await expect(page.getByRole('button', { name: 'Open support chat' })).toBeVisible();
  const closed = await new AxeBuilder({ page }).include('support-chat').analyze();
  expect(closed.violations).toEqual([]);
  await page.getByRole('button', { name: 'Open support chat' }).click();
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');
  await send(page, 'accessible from afar');
  const open = await new AxeBuilder({ page }).include('support-chat').analyze();
  expect(open.violations).toEqual([]);
});
