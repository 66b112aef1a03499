// Opens the store: SQLite in the data dir by default, Postgres when DATABASE_URL is set; migrates on open.
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations.js';

export type Db = Knex;

/** Opens and migrates the store. */
export async function openDb(options: { dataDir: string; databaseUrl?: string | undefined }): Promise<Db> {
  let db: Knex;
  if (options.databaseUrl) {
    db = knexFactory({ client: 'pg', connection: options.databaseUrl, pool: { min: 0, max: 10 } });
  } else {
    fs.mkdirSync(options.dataDir, { recursive: true });
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(options.dataDir, 'paas.sqlite3') },
      useNullAsDefault: true,
      pool: {
        afterCreate(conn: { pragma(s: string): void }, done: (err: Error | null, conn: unknown) => void) {
          conn.pragma('journal_mode = WAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        },
      },
    });
  }
  await db.migrate.latest({ migrationSource });
  if (!options.databaseUrl) {
    // Config values are in the database and its WAL: readable by the owner alone, whatever the umask.
    for (const suffix of ['', '-wal', '-shm']) {
      const file = path.join(options.dataDir, `paas.sqlite3${suffix}`);
      if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
    }
  }
  return db;
}

/** Timestamps are stored as ISO strings so SQLite and Postgres read back alike. */
export function now(): string {
  return new Date().toISOString();
}
