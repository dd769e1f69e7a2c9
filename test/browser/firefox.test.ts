import puppeteer from 'puppeteer-core';
import { describeBrowser } from './harness.js';

const executablePath = '/usr/bin/firefox-esr';

// Firefox is driven over WebDriver BiDi (puppeteer's default for Firefox).
describeBrowser('Firefox', executablePath, () => puppeteer.launch({ browser: 'firefox', executablePath, headless: true }));
