// Headless Debian Chromium driven by playwright-core, and an axe-core accessibility check.
//
//   const browser = await launchBrowser();
//   after(() => browser.close());
//   const page = await newPage(browser);   // its own context: see checkAccessibility
//   await page.goto(url);
//   assert.deepEqual(await checkAccessibility(page), []);
import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContextOptions, type LaunchOptions, type Page } from 'playwright-core';

/** Debian's chromium package (apt-get install chromium); CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// No sandbox: tests run as root. The rest keeps Chromium from calling out to Google's services,
// which this machine's closed network refuses (noisy and slow at every start).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium fonts-noto-cjk\` (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({
    headless: true,
    timeout: 60_000,
    ...options,
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/** A page in a context of its own (closed with the page), e.g. `newPage(browser, { locale: 'zh-TW' })`. */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.once('close', () => void context.close().catch(() => undefined));
  return page;
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

type AxeViolation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

export interface AccessibilityOptions {
  /** CSS selectors to leave out of the check. */
  exclude?: string[];
  /** axe rule ids to switch off, each with a reason in the calling test. */
  disableRules?: string[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now (best on a page from newPage()). Returns one readable entry per
 * violation, empty when there are none, so `assert.deepEqual(await checkAccessibility(page), [])`
 * prints what is wrong.
 */
export async function checkAccessibility(page: Page, options: AccessibilityOptions = {}): Promise<string[]> {
  const analyze = (legacy: boolean) => {
    let builder = new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(legacy);
    for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
    if (options.disableRules?.length) builder = builder.disableRules(options.disableRules);
    return builder.analyze();
  };
  let results;
  try {
    results = await analyze(false);
  } catch (error) {
    // axe finishes its run in a second, blank page of the same context, which a page made by
    // browser.newPage() cannot open ("Please use browser.newContext()"). Such a page is checked in
    // axe's legacy mode instead: the same rules, but without looking into cross-origin iframes.
    if (!/newContext/.test((error as Error).message)) throw error;
    results = await analyze(true);
  }
  return results.violations.map(formatViolation);
}

export function formatViolation(violation: AxeViolation): string {
  const lines = [`[${violation.impact ?? 'unknown'}] ${violation.id}: ${violation.help} (${violation.helpUrl})`];
  const shown = violation.nodes.slice(0, 5);
  for (const node of shown) {
    lines.push(`  at ${node.target.map(String).join(' ')}`);
    lines.push(`     ${node.html.replace(/\s+/g, ' ').slice(0, 200)}`);
    if (node.failureSummary) for (const line of node.failureSummary.split('\n')) lines.push(`     ${line.trim()}`);
  }
  if (violation.nodes.length > shown.length) lines.push(`  ... and ${violation.nodes.length - shown.length} more elements`);
  return lines.join('\n');
}
