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
 * Runs axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now. Returns one readable entry per
 * violation, empty when there are none, so `assert.deepEqual(await checkAccessibility(page), [])`
 * prints what is wrong.
 */
export async function checkAccessibility(page: Page, options: AccessibilityOptions = {}): Promise<string[]> {
  // Legacy mode: axe runs in the page itself. The default mode finishes its run in a second, blank page of the same
  // context, and an evaluate there has no timeout: a CI run hung on one (twice, never here), so that step is avoided.
  // Our pages have no cross-origin frames, which is all the default mode adds. A bound besides, so that a stuck
  // renderer fails the test with a reason instead of holding the run.
  let builder = new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  if (options.disableRules?.length) builder = builder.disableRules(options.disableRules);
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`axe did not finish within 60 s on ${page.url()}`)), 60_000);
  });
  try {
    const results = await Promise.race([builder.analyze(), stuck]);
    return results.violations.map(formatViolation);
  } finally {
    clearTimeout(timer);
  }
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
