import { chromium } from 'playwright-core';
import { describeBrowser } from './harness.js';

const executablePath = '/usr/bin/chromium';
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

describeBrowser('Chromium', executablePath, () => chromium.launch({ executablePath, args }));
