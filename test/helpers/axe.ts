import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string; help: string; targets: string[] }

/**
 * axe-core's serious and critical violations on the page `page` shows, as the same person sees it.
 * The app's CSP forbids injected scripts (rightly), so the audit opens the same address in a
 * context of its own that bypasses the CSP, with the page's cookies and viewport: the page under
 * test keeps its CSP. Only GET addresses can be audited this way, which every page of a path is
 * (each POST redirects to one).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const browser = page.context().browser();
  if (!browser) throw new Error('the page has no browser to open an audit context in');
  const audit = await browser.newContext({ bypassCSP: true, viewport: page.viewportSize() });
  try {
    await audit.addCookies(await page.context().cookies());
    const copy = await audit.newPage();
    const response = await copy.goto(page.url());
    if (!response?.ok()) throw new Error(`the audit could not open ${page.url()}: ${response?.status() ?? 'no response'}`);
    await copy.addScriptTag({ content: axeSource });
    const found = await copy.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')) }));
    });
    return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  } finally {
    await audit.close();
  }
}

export interface LayoutProblem { kind: 'small-target' | 'small-text' | 'sideways-scroll'; what: string }

/**
 * What a phone user trips over: a visible button or submit smaller than 44×44 CSS px (checked
 * unless `checkTargets` is false: a desktop's mouse needs no 44 px), visible text under 12 px, a
 * page wider than the screen. Each problem names the element, for the test's message.
 */
export async function layoutProblems(page: Page, options: { checkTargets?: boolean } = {}): Promise<LayoutProblem[]> {
  const checkTargets = options.checkTargets ?? true;
  return page.evaluate((checkTargets) => {
    const problems: { kind: 'small-target' | 'small-text' | 'sideways-scroll'; what: string }[] = [];
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && !el.closest('details:not([open]) > :not(summary)');
    };
    const label = (el: Element) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} "${(el.textContent ?? (el as HTMLInputElement).value ?? '').trim().slice(0, 40)}"`;
    if (checkTargets) {
      for (const el of document.querySelectorAll('button, input[type=submit], input[type=button], a.button, summary.button')) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.width < 44 - 0.5 || r.height < 44 - 0.5) problems.push({ kind: 'small-target', what: `${label(el)} ${Math.round(r.width)}×${Math.round(r.height)}` });
      }
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent?.trim()) continue;
      const el = n.parentElement;
      if (!el || !visible(el) || el.closest('svg, script, style, template')) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 12 - 0.01) problems.push({ kind: 'small-text', what: `${label(el)} ${size}px` });
    }
    if (document.documentElement.scrollWidth > window.innerWidth) {
      const past = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5).slice(-3).map(label);
      problems.push({ kind: 'sideways-scroll', what: `${document.documentElement.scrollWidth} > ${window.innerWidth}: ${past.join(', ')}` });
    }
    return problems;
  }, checkTargets);
}
