import { describeBrowser } from './harness.js';
import { CHROMIUM_PATH, launchChromium } from './launch.js';

describeBrowser('Chromium', CHROMIUM_PATH, launchChromium);
