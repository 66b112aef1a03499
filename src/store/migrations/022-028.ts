// Schema migrations 022 to 028: pipelines, review apps, cron, ports, upstream, service creation, token expiry.
import type { Migration } from './migration.js';

export const MIGRATIONS_022_028: Migration[] = [
  {
    // Pipelines: apps in stages (development, staging, production); an app is in at most one.
    name: '022_pipelines',
    async up(knex) {
      await knex.schema.createTable('pipelines', (t) => {
        t.string('name', 63).primary();
        t.timestamp('created_at').notNullable();
      });
      await knex.schema.createTable('pipeline_apps', (t) => {
        t.string('app', 63).primary().references('name').inTable('apps').onDelete('CASCADE');
        t.string('pipeline', 63).notNullable().references('name').inTable('pipelines').onDelete('CASCADE');
        t.string('stage', 20).notNullable();
        t.timestamp('added_at').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('pipeline_apps');
      await knex.schema.dropTable('pipelines');
    },
  },
  {
    // Review apps: a pipeline's settings for them, and each review app with its parent and branch.
    name: '023_review_apps',
    async up(knex) {
      await knex.schema.alterTable('pipelines', (t) => {
        t.boolean('review_apps').notNullable().defaultTo(false);
        t.boolean('review_autodeploy').notNullable().defaultTo(false);
        t.integer('review_autodestroy_days').nullable();
      });
      await knex.schema.createTable('review_apps', (t) => {
        t.string('app', 63).primary().references('name').inTable('apps').onDelete('CASCADE');
        t.string('pipeline', 63).notNullable().references('name').inTable('pipelines').onDelete('CASCADE');
        t.string('parent', 63).notNullable();
        t.string('branch', 255).notNullable();
        t.string('sha', 64).nullable();
        t.timestamp('created_at').notNullable();
        t.timestamp('deployed_at').nullable();
        t.unique(['parent', 'branch']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('review_apps');
      await knex.schema.alterTable('pipelines', (t) => {
        t.dropColumn('review_apps');
        t.dropColumn('review_autodeploy');
        t.dropColumn('review_autodestroy_days');
      });
    },
  },
  {
    // app.json cron: each scheduled command of an app, whether it is suspended, and its last run.
    name: '024_cron_jobs',
    async up(knex) {
      await knex.schema.createTable('cron_jobs', (t) => {
        t.string('app', 63).notNullable().references('name').inTable('apps').onDelete('CASCADE');
        t.string('id', 16).notNullable();
        t.text('command').notNullable();
        t.string('schedule', 120).notNullable();
        t.string('concurrency', 10).notNullable();
        t.boolean('suspended').notNullable().defaultTo(false);
        t.integer('runs').notNullable().defaultTo(0);
        t.timestamp('last_started_at').nullable();
        t.timestamp('last_finished_at').nullable();
        t.integer('last_exit_code').nullable();
        t.string('last_outcome', 20).nullable();
        t.primary(['app', 'id']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('cron_jobs');
    },
  },
  {
    // Dokku's ports:set: the app's port mappings (JSON); null: the port comes from PORT, EXPOSE or 5000.
    name: '025_app_ports',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.text('ports_json').nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('ports_json');
      });
    },
  },
  {
    // apps:upstream: h2c when the router speaks HTTP/2 without TLS to the app's web replicas; null: HTTP/1.1.
    name: '026_app_upstream',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.string('upstream', 10).nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('upstream');
      });
    },
  },
  {
    // services:create is all or nothing: a service is `creating` until its server first answered; a daemon that
    // starts and finds one still creating (the last one was killed) removes what it made.
    name: '027_service_creating',
    async up(knex) {
      await knex.schema.alterTable('backing_services', (t) => {
        t.boolean('creating').notNullable().defaultTo(false);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('backing_services', (t) => {
        t.dropColumn('creating');
      });
    },
  },
  {
    // Tokens that expire (tokens:create --expires-in) and revoked tokens kept on record, so that a refused token
    // is told apart: unknown, revoked (when) or expired (when).
    name: '028_token_expiry',
    async up(knex) {
      await knex.schema.alterTable('tokens', (t) => {
        t.timestamp('expires_at').nullable();
        t.timestamp('revoked_at').nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('tokens', (t) => {
        t.dropColumn('revoked_at');
        t.dropColumn('expires_at');
      });
    },
  },
];
