// How the browser tests (and bench/run.mjs's browser runtimes) start Debian's browsers: Chromium
// through playwright-core, Firefox through puppeteer-core over WebDriver BiDi.
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
export const FIREFOX_PATH = '/usr/bin/firefox-esr';

export const launchChromium = () => chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });

// Firefox is driven over WebDriver BiDi (puppeteer's default for Firefox). protocolTimeout: how long
// one protocol call (an evaluate) may take; puppeteer's default is 3 minutes.
export const launchFirefox = (options: { protocolTimeout?: number } = {}) =>
  puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, ...options });
