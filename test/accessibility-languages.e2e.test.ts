/**
 * The pages residents see, in every language but English (Arabic is right to left), in a real
 * browser (test/accessibility-pages.ts): no WCAG 2.2 A/AA violations, works at 320 CSS pixels
 * wide, no script of its own.
 */
import { languages } from '../src/i18n/languages.js';
import { describePagesAccessible } from './accessibility-pages.js';

describePagesAccessible('web pages are accessible and work on a small screen (other languages)', languages.filter((language) => language.code !== 'en'));
