// Shared test setup: every page fails its test on a console error or an uncaught exception,
// so a hydration mismatch or a missing asset cannot pass unnoticed. A test that provokes an
// error on purpose (a 404 page) says so with `browserConsole.allow(pattern)`.
import { test as base, expect } from '@playwright/test';

type BrowserConsole = {
  /** Lets console errors matching `pattern` pass in this test. */
  allow(pattern: RegExp): void;
};

export const test = base.extend<{ browserConsole: BrowserConsole }>({
  browserConsole: [
    async ({ page }, use) => {
      const errors: string[] = [];
      // The test machines have no sound card: Chromium reports the chime's audio device
      // failing, sometimes, under load. That is the machine, not the page.
      const allowed: RegExp[] = [/^The AudioContext encountered an error from the audio device/];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(err.message));
      await use({ allow: (pattern) => allowed.push(pattern) });
      const unexpected = errors.filter((e) => !allowed.some((p) => p.test(e)));
      expect(unexpected, 'browser console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
