/**
 * What an application holds of its applicant, sealed at rest (platform/crypto): a draft's
 * answers with the applicant's details, and a sent application's answers. One place seals and
 * opens both, each bound to its own column's name, so a sealed value cannot be moved from one
 * column to the other.
 */
import { open, seal, sealedWith, type Keyring } from '../platform/crypto.js';
import type { Answers } from './answers.js';

/** The sealed columns' names, bound into each ciphertext. */
export const SEALED_DRAFT = 'application_draft';
export const SEALED_ANSWERS = 'application_answers';
type SealedColumn = typeof SEALED_DRAFT | typeof SEALED_ANSWERS;

export const sealText = (keyring: Keyring, column: SealedColumn, text: string): string => seal(keyring, column, text);

/** A stored value in clear: sealed, or (written before the column was sealed) as it is until re-sealed. */
export const openText = (keyring: Keyring, column: SealedColumn, stored: string): string =>
  (sealedWith(stored) === null ? stored : open(keyring, column, stored));

/** A sent application's answers as stored in applications.answers. */
export const sealAnswers = (keyring: Keyring, answers: Answers): string => sealText(keyring, SEALED_ANSWERS, JSON.stringify(answers));

export const openAnswers = (keyring: Keyring, stored: string): Answers => JSON.parse(openText(keyring, SEALED_ANSWERS, stored)) as Answers;
