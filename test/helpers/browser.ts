import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';

/** Debian's chromium, headless, with nothing reaching out of this machine. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!executablePath) throw new Error('chromium is not installed: apt-get install chromium (npm test installs it when run as root)');
  // playwright gives every launch a fresh, temporary --user-data-dir of its own.
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
