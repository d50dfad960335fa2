/**
 * Passwords, as NIST SP 800-63B and OWASP ASVS ask: at least 8 characters, long ones allowed,
 * no composition rules, the commonest passwords refused; stored as argon2id hashes.
 */
import { createRequire } from 'node:module';
import type * as commonWords from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 256;

/**
 * About 49,000 passwords seen most often in breaches: several MB of strings, so read when a new
 * password is first checked, not held by every process from its start.
 */
let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  if (!common) {
    const { dictionary } = createRequire(import.meta.url)('@zxcvbn-ts/language-common') as typeof commonWords;
    common = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  }
  return common;
}

/** The argon2 library (native), loaded with the first hash: a process that signs nobody in never holds it. */
const argon2 = () => import('@node-rs/argon2');

/** OWASP's recommended argon2id settings: 19 MiB, 2 passes, 1 lane. */
// algorithm 2 is argon2id (the package's const enum cannot be imported under isolated modules).
export const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/**
 * Inside node's test runner (it sets NODE_TEST_CONTEXT in each test file's process; nothing
 * else does) hashes cost 1 MiB and one pass: the tests make hundreds, and verifying reads the
 * settings from the hash itself. Servers the tests start as real processes keep OWASP's.
 */
const settings = process.env.NODE_TEST_CONTEXT ? { ...ARGON2, memoryCost: 1_024, timeCost: 1 } : ARGON2;

/** Returns what is wrong with a new password, in words a person can act on, or null. */
export function passwordProblem(password: string, context: { email?: string } = {}): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD) return `Use at least ${MIN_PASSWORD} characters; a few unusual words together make a strong password.`;
  if (length > MAX_PASSWORD) return `Use at most ${MAX_PASSWORD} characters.`;
  const lower = password.toLowerCase();
  if (new Set([...lower]).size === 1) return 'That password is one character repeated, so it is easy to guess. Choose another; a few unusual words together make a strong password.';
  if (commonPasswords().has(lower)) return 'That password is one of the most common ones, so it is easy to guess. Choose another.';
  if (context.email && lower === context.email.toLowerCase()) return 'Do not use your email address as your password.';
  return null;
}

export const hashPassword = async (password: string, options = settings) => (await argon2()).hash(password, options);
export const verifyPassword = async (stored: string, password: string) => (await argon2()).verify(stored, password);
