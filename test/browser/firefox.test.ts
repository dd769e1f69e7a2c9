import { describeBrowser } from './harness.js';
import { FIREFOX_PATH, launchFirefox } from './launch.js';

describeBrowser('Firefox', FIREFOX_PATH, launchFirefox);
