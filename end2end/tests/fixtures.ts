// Shared test setup: every page of every browser context fails its test on a console error or
// an uncaught exception, so a hydration mismatch or a missing asset cannot pass unnoticed. A
// test that provokes an error on purpose (a 404 page) says so with `browserConsole.allow(pattern)`.
import { test as base, expect, type Browser, type BrowserContext } from '@playwright/test';

type BrowserConsole = {
  /** Lets console errors matching `pattern` pass in this test. */
  allow(pattern: RegExp): void;
};

export const test = base.extend<{ browserConsole: BrowserConsole }>({
  browserConsole: [
    async ({ context, browser }, use) => {
      const errors: string[] = [];
      // The test machines have no sound card: Chromium reports the chime's audio device
      // failing, sometimes, under load. That is the machine, not the page.
      const allowed: RegExp[] = [/^The AudioContext encountered an error from the audio device/];
      // Every page of every context: the test's own, and those its people open with
      // browser.newContext() or browser.newPage().
      const watch = (watched: BrowserContext) => {
        watched.on('console', (msg) => {
          if (msg.type() === 'error') errors.push(msg.text());
        });
        watched.on('weberror', (err) => errors.push(err.error().message));
      };
      watch(context);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...options: Parameters<Browser['newContext']>) => {
        const opened = await newContext(...options);
        watch(opened);
        return opened;
      };
      try {
        await use({ allow: (pattern) => allowed.push(pattern) });
      } finally {
        browser.newContext = newContext;
      }
      const unexpected = errors.filter((e) => !allowed.some((p) => p.test(e)));
      expect(unexpected, 'browser console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
