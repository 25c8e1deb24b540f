// The hosted app's bundles by audience: a user on the start page downloads the pages' bundle,
// never the dashboard's; staff pages under /admin load the whole app. Each page is opened in a
// fresh browser context carrying the signed-in session, so nothing comes from the cache and
// every byte the page needs travels. Each test runs its own Confab server (support/confab.ts).
import type { Browser, Page, Response } from '@playwright/test';
import { test, expect } from './fixtures';
import { Confab } from './support/confab';
import { signInStaff, signUp } from './support/people';

let confab: Confab;

test.beforeEach(async () => {
  confab = await Confab.start();
});

test.afterEach(async ({ page }) => {
  await page.close();
  await confab.stop();
});

type Download = { path: string; encoding: string; bytes: number };

/** Opens `path` with the session `signedIn` holds, in a context with an empty cache, and waits
 * until `ready` holds; returns the page, and every response it received with its body's size
 * as transferred. */
async function openFresh(browser: Browser, signedIn: Page, path: string, ready: (page: Page) => Promise<void>) {
  const context = await browser.newContext({ storageState: await signedIn.context().storageState() });
  const page = await context.newPage();
  const responses: Response[] = [];
  page.on('response', (response) => responses.push(response));
  await page.goto(`${confab.url}${path}`);
  await ready(page);
  const downloads: Download[] = [];
  for (const response of responses) {
    const sizes = await response.request().sizes();
    downloads.push({
      path: new URL(response.url()).pathname,
      encoding: (await response.allHeaders())['content-encoding'] ?? '',
      bytes: sizes.responseBodySize,
    });
  }
  return { page, context, downloads };
}

test('the start page for a signed-in user loads no dashboard code', async ({ page, browser }) => {
  const email = await signUp(page, confab.url);
  // Hydrated by the pages' bundle: the status check and the widget are live.
  const start = await openFresh(browser, page, '/', async (p) => {
    await expect(p.getByTestId('status-check')).toHaveAttribute('data-hydrated', 'true');
    await expect(p.getByTestId('support-widget')).toHaveAttribute('data-hydrated', 'true');
  });
  try {
    await expect(start.page.getByTestId('signed-in-as')).toContainText('Wendy Widget');
    const paths = start.downloads.map((d) => d.path);
    expect(paths).toContain('/pkg/confab.js');
    expect(paths).toContain('/pkg/confab.wasm');
    expect(paths.filter((p) => p.includes('dashboard')), 'dashboard code on the start page').toEqual([]);
    const wasm = start.downloads.find((d) => d.path === '/pkg/confab.wasm');
    expect(wasm?.encoding).toBe('br');
    const total = start.downloads.reduce((sum, d) => sum + d.bytes, 0);
    test.info().annotations.push({
      type: 'weight',
      description: `the start page for ${email}: ${total} bytes of response bodies as transferred`,
    });
    // The file names alone would not tell a bundle that still carries the dashboard: the weight
    // does. The page took 694 KiB with the whole app (one bundle for every page) and about
    // 350 KB without the dashboard; scripts/check-embed-size.sh holds the exact budget.
    expect(total).toBeLessThan(400_000);
  } finally {
    await start.context.close();
  }
});

test('staff pages load the whole app, dashboard included', async ({ page, browser }) => {
  await signInStaff(page, confab.url);
  const desk = await openFresh(browser, page, '/admin/chats', async (p) => {
    await expect(p.getByTestId('desk-live')).toHaveAttribute('data-live', 'true');
  });
  try {
    const paths = desk.downloads.map((d) => d.path);
    expect(paths).toContain('/pkg/confab-dashboard.js');
    expect(paths).toContain('/pkg/confab-dashboard.wasm');
    expect(paths).not.toContain('/pkg/confab.wasm');
  } finally {
    await desk.context.close();
  }
});
