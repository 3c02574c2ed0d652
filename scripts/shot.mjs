// Development aid: screenshots of the built app (vite preview must be running on :4173).
// usage: node scripts/shot.mjs <hash> <out.png> [width] [height] [--dark] [--click=<text>]
import { chromium } from 'playwright-core';

const [hash = '#/', out = '/tmp/shot.png', w = '1280', h = '800', ...flags] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) }, colorScheme: flags.includes('--dark') ? 'dark' : 'light' });
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(`http://localhost:${process.env.PORT ?? 4173}/${hash}`);
for (const f of flags) if (f.startsWith('--click=')) await page.getByText(f.slice(8), { exact: false }).first().click();
await page.waitForTimeout(Number(process.env.WAIT ?? 1500));
await page.screenshot({ path: out, fullPage: false });
console.log('url:', page.url());
await browser.close();
