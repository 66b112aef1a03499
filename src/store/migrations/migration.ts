// One schema migration: run forward on start (SQLite and Postgres alike), backward only by hand.
import type { Knex } from 'knex';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}
