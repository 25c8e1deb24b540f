// The start page: rendered on the server, hydrated in the browser, and able to call a server
// function once hydrated.
import { test, expect } from './fixtures';

test('the start page is server-rendered with styles and assets', async ({ request }) => {
  const res = await request.get('/');
  expect(res.status()).toBe(200);
  const html = await res.text();
  expect(html).toContain('Live support chat you host yourself.');
  expect(html).toContain('/pkg/confab.css');
  expect(html).toContain('/pkg/confab.js');
  expect(html).toContain('/pkg/confab.wasm');

  for (const asset of ['/pkg/confab.css', '/pkg/confab.js', '/pkg/confab.wasm', '/favicon.ico']) {
    const r = await request.get(asset);
    expect(r.status(), asset).toBe(200);
  }
  // The release build precompresses assets; the bundle must travel compressed.
  const wasm = await request.get('/pkg/confab.wasm', { headers: { 'accept-encoding': 'br, gzip' } });
  expect(wasm.headers()['content-encoding']).toMatch(/^(br|gzip)$/);
});

test('the page hydrates and the status button calls the server', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/Confab/);

  const button = page.getByTestId('status-check');
  // Server-rendered disabled; only the hydrated app enables it.
  await expect(button).toHaveAttribute('data-hydrated', 'true');
  await expect(button).toBeEnabled();

  await button.click();
  const result = page.getByTestId('status-result');
  await expect(result).toHaveText(/^Online · Confab \d+\.\d+\.\d+ · SQLite database$/);
});

test('unknown paths show the not-found page with status 404', async ({ page, browserConsole }) => {
  // Chromium reports the document's own 404 as a console error.
  browserConsole.allow(/status of 404/);
  const res = await page.goto('/definitely/not/here');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
