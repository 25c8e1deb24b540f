// Accounts in the browser: a user signs up and out; an admin signs in to the staff page and out.
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

async function waitForHydration(page: Page, testId: string) {
  await expect(page.getByTestId(testId)).toHaveAttribute('data-hydrated', 'true');
}

async function signOut(page: Page) {
  await waitForHydration(page, 'sign-out');
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in-link')).toBeVisible();
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => c.name)).not.toContain('confab_session');
}

test('a user signs up, is signed in, and signs out', async ({ page }) => {
  const email = `user-${Date.now()}@example.com`;
  await page.goto('/signup');
  await waitForHydration(page, 'submit');
  await page.getByTestId('email').fill(email);
  await page.getByTestId('name').fill('Pat Playwright');
  await page.getByTestId('password').fill('a good password');
  await page.getByTestId('submit').click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText('Pat Playwright');
  await signOut(page);
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
});

test('an admin signs in to the staff page and signs out', async ({ page }) => {
  const email = process.env.E2E_ADMIN_EMAIL ?? '';
  const password = process.env.E2E_ADMIN_PASSWORD ?? '';
  expect(email, 'scripts/e2e.sh seeds the admin').not.toBe('');

  await page.goto('/admin');
  await expect(page).toHaveURL(/\/signin\?next=\/admin$/);
  await waitForHydration(page, 'submit');
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('submit').click();

  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('staff-list')).toContainText(email);
  await signOut(page);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/signin\?next=\/admin$/);
});

test('a wrong password is refused with a clear message', async ({ page, browserConsole }) => {
  // The server function answers 401, which Chromium reports on the console.
  browserConsole.allow(/status of 401/);
  await page.goto('/signin');
  await waitForHydration(page, 'submit');
  await page.getByTestId('email').fill('nobody@example.com');
  await page.getByTestId('password').fill('not the password');
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('form-error')).toHaveText('wrong email or password');
  await expect(page).toHaveURL(/\/signin$/);
});

test('a sign-in never follows next= off the site', async ({ page }) => {
  const email = process.env.E2E_ADMIN_EMAIL ?? '';
  const password = process.env.E2E_ADMIN_PASSWORD ?? '';
  // The browser drops the tab in `/\t/evil.example/phish`, which would leave `//evil.example`.
  await page.goto('/signin?next=/%09/evil.example/phish');
  const origin = new URL(page.url()).origin;
  await waitForHydration(page, 'submit');
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('submit').click();
  // Refused: the staff member lands on the default page of Confab's own origin.
  await expect(page).toHaveURL(`${origin}/admin`);
  await expect(page.getByTestId('staff-list')).toContainText(email);
});
