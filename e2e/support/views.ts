import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Waits for an object page to show either what the test expects (`testId`) or the object's
 * error box, and fails with the error's text in the second case.
 */
export async function objectPart(page: Page, testId: string): Promise<Locator> {
  const want = page.getByTestId(testId);
  const error = page.getByTestId('object-error');
  await expect(want.or(error).first()).toBeVisible();
  if (!(await want.count()) && (await error.count())) {
    throw new Error(`expected [data-testid=${testId}], the page shows an error: ${(await error.first().innerText()).replace(/\s+/g, ' ')}`);
  }
  return want.first();
}

/** The data-* attribute of every element matching a locator, in document order. */
export async function attrs(locator: Locator, name: string): Promise<string[]> {
  return locator.evaluateAll((els, name) => els.map((e) => e.getAttribute(name) ?? ''), name);
}

/**
 * What a (virtualized) text view shows: its rendered rows as [line number, text]. The rows carry
 * `data-line` (1-based); a view without such rows is read as one text split at newlines.
 */
export async function renderedLines(box: Locator): Promise<[number, string][]> {
  return box.evaluate((el) => {
    const rows = [...el.querySelectorAll('[data-line]')];
    if (rows.length === 0)
      return (el.textContent ?? '')
        .replace(/\n$/, '')
        .split('\n')
        .map((t, i): [number, string] => [i + 1, t]);
    return rows.map((r): [number, string] => [Number(r.getAttribute('data-line')), r.textContent ?? '']).sort((a, b) => a[0] - b[0]);
  });
}

/** Scrolls a scroll box to its end, waiting for the rows there to render. */
export async function scrollToEnd(box: Locator): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await box.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await box.page().waitForTimeout(100);
  }
}

/** Checks every rendered line of a text view against the text's lines (git's). */
export async function expectLines(box: Locator, text: string, what: string): Promise<number[]> {
  const want = text.replace(/\n$/, '').split('\n');
  const got = await renderedLines(box);
  expect(got.length, `${what}: rendered lines`).toBeGreaterThan(0);
  for (const [n, t] of got) expect(t.replace(/\r$/, ''), `${what}, line ${n}`).toBe((want[n - 1] ?? `<no line ${n}: git has ${want.length}>`).replace(/\r$/, ''));
  return got.map(([n]) => n);
}
