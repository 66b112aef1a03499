// Schema migrations 013 to 021: backing services and their backups, the audit trail, webhooks, stopped apps, placement, maintenance.
import type { Migration } from './migration.js';

export const MIGRATIONS_013_021: Migration[] = [
  {
    name: '013_backing_services',
    async up(knex) {
      await knex.schema.createTable('backing_services', (t) => {
        t.text('name').primary();
        t.text('kind').notNullable();
        t.text('version').notNullable();
        t.text('password').notNullable();
        t.text('created_at').notNullable();
      });
      await knex.schema.createTable('backing_links', (t) => {
        t.text('service').notNullable().references('name').inTable('backing_services');
        t.text('app').notNullable();
        t.text('env_var').notNullable();
        t.text('created_at').notNullable();
        t.primary(['service', 'app']);
        t.unique(['app', 'env_var']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('backing_links');
      await knex.schema.dropTable('backing_services');
    },
  },
  {
    name: '014_backup_schedule',
    async up(knex) {
      await knex.schema.alterTable('backing_services', (t) => {
        t.integer('backup_every_seconds').nullable();
        t.integer('backup_keep').nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('backing_services', (t) => {
        t.dropColumn('backup_every_seconds');
        t.dropColumn('backup_keep');
      });
    },
  },
  {
    name: '015_service_expose',
    async up(knex) {
      await knex.schema.alterTable('backing_services', (t) => {
        t.text('expose_host').nullable();
        t.integer('expose_port').nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('backing_services', (t) => {
        t.dropColumn('expose_host');
        t.dropColumn('expose_port');
      });
    },
  },
  {
    name: '016_audit_trail',
    async up(knex) {
      await knex.schema.createTable('events', (t) => {
        t.increments('id').primary();
        t.text('at').notNullable();
        t.text('actor').notNullable();
        t.text('app').nullable().index();
        t.text('action').notNullable();
        t.text('detail').notNullable().defaultTo('');
      });
      await knex.schema.alterTable('releases', (t) => {
        t.text('actor').nullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('events');
      await knex.schema.alterTable('releases', (t) => {
        t.dropColumn('actor');
      });
    },
  },
  {
    name: '017_webhooks',
    async up(knex) {
      await knex.schema.createTable('webhooks', (t) => {
        t.increments('id').primary();
        t.text('app').notNullable().index();
        t.text('url').notNullable();
        t.text('events_json').notNullable();
        t.text('secret').notNullable();
        t.boolean('trusted').notNullable().defaultTo(false);
        t.text('created_by').notNullable();
        t.text('created_at').notNullable();
      });
      await knex.schema.createTable('webhook_deliveries', (t) => {
        t.text('id').primary();
        t.integer('webhook_id').notNullable().index();
        t.text('app').notNullable().index();
        t.text('event').notNullable();
        t.text('status').notNullable();
        t.integer('attempts').notNullable();
        t.integer('response_status').nullable();
        t.text('error').nullable();
        t.text('created_at').notNullable();
        t.text('updated_at').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('webhook_deliveries');
      await knex.schema.dropTable('webhooks');
    },
  },
  {
    name: '018_app_stopped',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.boolean('stopped').notNullable().defaultTo(false);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('stopped');
      });
    },
  },
  {
    // Where the app's replicas may run under the Swarm scheduler (ps:placement): Swarm constraints, as JSON.
    name: '019_app_placement',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.text('placement_json').notNullable().defaultTo('[]');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('placement_json');
      });
    },
  },
  {
    // Which data volume of its version a service runs on: a restore fills a new one beside and switches to it.
    name: '020_service_data_generation',
    async up(knex) {
      await knex.schema.alterTable('backing_services', (t) => {
        t.integer('data_generation').notNullable().defaultTo(0);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('backing_services', (t) => {
        t.dropColumn('data_generation');
      });
    },
  },
  {
    // maintenance:on: the processes run, the router answers a maintenance page.
    name: '021_app_maintenance',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.boolean('maintenance').notNullable().defaultTo(false);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('maintenance');
      });
    },
  },
];
