// Playwright drives Debian's Chromium (never a downloaded browser) against a server that
// scripts/e2e.sh starts on a free loopback port and passes in as CONFAB_BASE_URL.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.CONFAB_BASE_URL;
if (!baseURL) {
  throw new Error('CONFAB_BASE_URL is not set: run the browser tests through `make test` or scripts/e2e.sh');
}

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
