import type { Locator, Page, TestInfo } from '@playwright/test';

/** Attaches a full-page screenshot of what the page shows now. */
export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
}

/** Goes to a view of the open repository by URL hash (no reload: a `local` repository would be lost). */
export async function go(page: Page, repo: string, path: string): Promise<void> {
  const hash = `#/${encodeURIComponent(repo)}/${path}`;
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
  await page.waitForFunction((h) => window.location.hash === h, hash);
}

/**
 * The numbers written in a text, with thousands separators (`,`, thin/narrow/no-break
 * spaces, `'`) removed: "210,001 objects in 1 pack" → [210001, 1].
 */
export function numbersIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\d{1,3}(?:[,'\u00a0\u202f\u2009]\d{3})+(?!\d)|\d+/g)) out.push(Number(m[0].replace(/\D/g, '')));
  return out;
}

/** The text of an element, whitespace as the DOM has it (textContent). */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

/** Lowercase hex digits of a text, everything else dropped (for hex dumps). */
export function hexDigits(text: string): string {
  return text.toLowerCase().replace(/[^0-9a-f]/g, '');
}
