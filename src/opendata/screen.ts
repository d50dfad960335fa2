/**
 * Screening of residents' free text before it is published as open data: what could reach a
 * person is removed (email addresses, web addresses, phone numbers and other long numbers such
 * as account, card or identity numbers). Screening is a safety net, not a promise: a council
 * that cannot accept that risk withholds free text altogether (the default).
 */

/** What a removed part is replaced with, so a reader sees something was taken out. */
export const REMOVED = '[removed]';

const emailAddress = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const webAddress = /\b(?:https?:\/\/|www\.)\S+/giu;
// Seven or more digits, possibly broken up by spaces, dots, dashes, slashes or brackets, with an
// optional leading +: phone numbers in any country's way of writing them, and other long numbers.
const longNumber = /\+?\(?\d(?:[\s()./-]{0,3}\d){6,}\)?/gu;

export function screenText(text: string | null): string | null {
  if (text === null) return null;
  return text.replace(emailAddress, REMOVED).replace(webAddress, REMOVED).replace(longNumber, REMOVED);
}
