// The people of a browser test: a user who signs up on the hosted app and uses its widget,
// and staff who sign in to the dashboard.
import type { Page } from '@playwright/test';
import { expect } from '../fixtures';
import { STAFF_EMAIL, STAFF_PASSWORD } from './confab';

/** Signs a new user up at `baseUrl`; returns their email, on the start page with the widget hydrated. */
export async function signUp(page: Page, baseUrl: string): Promise<string> {
  const email = `widget-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto(`${baseUrl}/signup`);
  await expect(page.getByTestId('submit')).toHaveAttribute('data-hydrated', 'true');
  await page.getByTestId('email').fill(email);
  await page.getByTestId('name').fill('Wendy Widget');
  await page.getByTestId('password').fill('a good password');
  await page.getByTestId('submit').click();
  await expect(page).toHaveURL(`${baseUrl}/`);
  await expect(page.getByTestId('support-widget')).toHaveAttribute('data-hydrated', 'true');
  return email;
}

/** Opens the widget's panel and waits until it is live. */
export async function openWidget(page: Page) {
  await page.getByTestId('support-button').click();
  await expect(page.getByTestId('support-panel')).toBeVisible();
  await expect(page.getByTestId('support-connection')).toHaveAttribute('data-state', 'open');
}

/** Sends a message from the open widget and waits until the server confirmed it. */
export async function sendFromWidget(page: Page, text: string) {
  const mine = page.locator('[data-testid="support-message"][data-sender="user"]');
  const before = await mine.count();
  await page.getByTestId('support-input').fill(text);
  await page.getByTestId('support-input').press('Enter');
  await expect(mine).toHaveCount(before + 1);
}

/** Signs the seeded staff account in through the sign-in page, landing on `next`. */
export async function signInStaff(page: Page, baseUrl: string, next = '/admin/chats') {
  await signInAs(page, baseUrl, STAFF_EMAIL, STAFF_PASSWORD, next);
}

/** Signs `email` in through the sign-in page, landing on `next`. */
export async function signInAs(page: Page, baseUrl: string, email: string, password: string, next = '/admin/chats') {
  await page.goto(`${baseUrl}/signin?next=${encodeURIComponent(next)}`);
  await expect(page.getByTestId('submit')).toHaveAttribute('data-hydrated', 'true');
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('submit').click();
  await expect(page).toHaveURL(`${baseUrl}${next}`);
}
