// Lighthouse's performance audit of the hosted app, for `make bench` (scripts/lighthouse.sh
// starts the server and passes the sessions in): the start page with the widget, as a signed-in
// user on a phone, and the dashboard's chat list, as staff on a desktop. Each page is audited
// RUNS times in Debian's Chromium (simulated throttling, Lighthouse's defaults for the device)
// and the run with the median score is kept. Prints each page's figures and appends a table row
// per page to the file named by --rows.
//
// Usage: node run.mjs --base URL --user-cookie C --staff-cookie C --rows FILE

import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

/** Audits per page; the median score's run is reported. */
const RUNS = 3;

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    'user-cookie': { type: 'string' },
    'staff-cookie': { type: 'string' },
    rows: { type: 'string' },
  },
});
for (const name of ['base', 'user-cookie', 'staff-cookie', 'rows']) {
  if (!args[name]) throw new Error(`--${name} is required`);
}

const pages = [
  { path: '/', device: 'Mobile', cookie: args['user-cookie'], config: undefined },
  { path: '/admin/chats', device: 'Desktop', cookie: args['staff-cookie'], config: desktopConfig },
];

const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  for (const page of pages) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await lighthouse(
        args.base + page.path,
        {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance'],
          extraHeaders: { Cookie: page.cookie },
        },
        page.config,
      );
      const lhr = result?.lhr;
      if (!lhr || lhr.runtimeError) {
        throw new Error(`Lighthouse failed on ${page.path}: ${lhr?.runtimeError?.message ?? 'no result'}`);
      }
      if (lhr.finalDisplayedUrl !== args.base + page.path) {
        // A redirect (the dashboard sends a refused session to sign-in) would audit another
        // page. (`/` looks the same to anyone: scripts/lighthouse.sh checks that session.)
        throw new Error(`${page.path} ended at ${lhr.finalDisplayedUrl}`);
      }
      runs.push(lhr);
    }
    runs.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
    const lhr = runs[Math.floor(runs.length / 2)];
    const audit = (id) => lhr.audits[id];
    const seconds = (id) => `${(audit(id).numericValue / 1000).toFixed(1)} s`;
    const figures = {
      score: Math.round(lhr.categories.performance.score * 100),
      fcp: seconds('first-contentful-paint'),
      lcp: seconds('largest-contentful-paint'),
      tbt: `${Math.round(audit('total-blocking-time').numericValue)} ms`,
      cls: audit('cumulative-layout-shift').numericValue.toFixed(3),
      transferred: `${Math.round(audit('total-byte-weight').numericValue / 1024)} KiB`,
    };
    const scores = runs.map((run) => Math.round(run.categories.performance.score * 100)).join(', ');
    console.log(
      `${page.path} (${page.device}): performance ${figures.score} (runs: ${scores}), ` +
        `FCP ${figures.fcp}, LCP ${figures.lcp}, TBT ${figures.tbt}, CLS ${figures.cls}, ` +
        `${figures.transferred} transferred`,
    );
    appendFileSync(
      args.rows,
      `| \`${page.path}\` | ${page.device} | ${figures.score} | ${figures.fcp} | ${figures.lcp} | ` +
        `${figures.tbt} | ${figures.cls} | ${figures.transferred} |\n`,
    );
  }
} finally {
  await chrome.kill();
}
