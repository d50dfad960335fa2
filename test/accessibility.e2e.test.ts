/**
 * Every web page in English, in a real browser (test/accessibility-pages.ts): no WCAG 2.2 A/AA
 * violations, works at 320 CSS pixels wide, no script of its own. Staff tools are English only
 * for now; the other languages are in accessibility-languages.e2e.test.ts.
 */
import { languages } from '../src/i18n/languages.js';
import { describePagesAccessible } from './accessibility-pages.js';

describePagesAccessible('web pages are accessible and work on a small screen (English)', languages.filter((language) => language.code === 'en'));
