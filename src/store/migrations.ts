// Schema migrations, kept in code so they run the same from SQLite and Postgres and from a compiled build; the
// migrations themselves are under migrations/, a range of them per file, run in order.
import type { Knex } from 'knex';
import type { Migration } from './migrations/migration.js';
import { MIGRATIONS_001_012 } from './migrations/001-012.js';
import { MIGRATIONS_013_021 } from './migrations/013-021.js';
import { MIGRATIONS_022_028 } from './migrations/022-028.js';

const MIGRATIONS: Migration[] = [...MIGRATIONS_001_012, ...MIGRATIONS_013_021, ...MIGRATIONS_022_028];

/** A knex migration source over the migrations above. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
