// Draws the installed app's icons (public/icon-*.png) from public/favicon.svg with Debian's
// Chromium, so no image tool or network is needed. Run once after changing the SVG:
//   node scripts/make-icons.mjs
// "maskable" icons keep the mark inside the middle 80 % (the safe zone a launcher may crop to).
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = readFileSync(new URL('../public/favicon.svg', import.meta.url), 'utf8');
const icons = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  for (const { file, size, maskable } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    // A maskable icon is a full square (the launcher rounds it) with the mark at 60 % in the middle.
    const body = maskable
      ? `<div style="width:${size}px;height:${size}px;background:#0b63ce;display:grid;place-items:center">${svg.replace('<svg ', `<svg width="${size * 0.6}" height="${size * 0.6}" `)}</div>`
      : svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${body}</body></html>`);
    await page.screenshot({ path: new URL(`../public/${file}`, import.meta.url).pathname, omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
