import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Keyring } from './crypto.js';

/** What a capability's routes are given: the database, the configuration, the keys for personal data. */
export interface RouteDeps {
  db: DB;
  config: Config;
  keyring: Keyring;
}
