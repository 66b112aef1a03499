// Schema migrations 001 to 012: the first releases: apps, keys, builds, releases, CI runs, config, tokens, domains, volumes, certificates, formation, build args.
import type { Migration } from './migration.js';

export const MIGRATIONS_001_012: Migration[] = [
  {
    name: '001_spine',
    async up(knex) {
      await knex.schema.createTable('apps', (t) => {
        t.string('name', 63).primary();
        t.string('deploy_branch', 255).nullable();
        t.timestamp('created_at').notNullable();
      });
      await knex.schema.createTable('keys', (t) => {
        t.string('name', 100).primary();
        t.string('fingerprint', 100).notNullable().unique();
        t.text('public_key').notNullable();
        t.string('role', 20).notNullable();
        t.timestamp('created_at').notNullable();
      });
      await knex.schema.createTable('builds', (t) => {
        t.increments('id').primary();
        t.string('app', 63).notNullable().references('name').inTable('apps').onDelete('CASCADE');
        t.string('ref', 255).notNullable();
        t.string('sha', 64).notNullable();
        t.string('status', 20).notNullable();
        t.integer('release_version').nullable();
        t.text('error').nullable();
        t.text('log').notNullable().defaultTo('');
        t.timestamp('created_at').notNullable();
        t.timestamp('started_at').nullable();
        t.timestamp('finished_at').nullable();
        t.index(['app', 'id']);
      });
      await knex.schema.createTable('releases', (t) => {
        t.increments('id').primary();
        t.string('app', 63).notNullable().references('name').inTable('apps').onDelete('CASCADE');
        t.integer('version').notNullable();
        t.string('image_id', 100).notNullable();
        t.string('sha', 64).notNullable();
        t.string('status', 20).notNullable();
        t.timestamp('created_at').notNullable();
        t.unique(['app', 'version']);
      });
    },
    async down(knex) {
      for (const table of ['releases', 'builds', 'keys', 'apps']) await knex.schema.dropTableIfExists(table);
    },
  },
  {
    name: '002_release_spec',
    async up(knex) {
      await knex.schema.alterTable('releases', (t) => {
        t.text('spec_json').notNullable().defaultTo('{}');
        t.text('layers_json').notNullable().defaultTo('[]');
        t.string('description', 255).notNullable().defaultTo('');
        t.text('error').nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('releases', (t) => {
        t.dropColumn('spec_json');
        t.dropColumn('layers_json');
        t.dropColumn('description');
        t.dropColumn('error');
      });
    },
  },
  {
    name: '003_ci_runs',
    async up(knex) {
      await knex.schema.createTable('ci_runs', (t) => {
        t.increments('id').primary();
        t.string('app', 63).notNullable().references('name').inTable('apps').onDelete('CASCADE');
        t.string('branch', 255).notNullable();
        t.string('sha', 64).notNullable();
        t.string('status', 20).notNullable();
        t.text('command').nullable();
        t.integer('exit_code').nullable();
        t.integer('duration_ms').nullable();
        t.text('log').notNullable().defaultTo('');
        t.timestamp('created_at').notNullable();
        t.timestamp('finished_at').nullable();
        t.index(['app', 'id']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('ci_runs');
    },
  },
  {
    name: '004_app_buildpack',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.text('buildpack').nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('buildpack');
      });
    },
  },
  {
    name: '005_app_config',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.text('config_json').notNullable().defaultTo('{}');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('config_json');
      });
    },
  },
  {
    name: '006_operating_apps',
    async up(knex) {
      await knex.schema.alterTable('keys', (t) => {
        t.text('apps_json').notNullable().defaultTo('[]');
      });
      await knex.schema.alterTable('apps', (t) => {
        t.text('resources_json').notNullable().defaultTo('{}');
      });
      await knex.schema.createTable('tokens', (t) => {
        t.string('name', 100).primary();
        t.string('hash', 64).notNullable().unique();
        t.string('role', 20).notNullable();
        t.text('apps_json').notNullable().defaultTo('[]');
        t.timestamp('created_at').notNullable();
      });
      await knex.schema.createTable('domains', (t) => {
        t.string('host', 253).primary();
        t.string('app', 63).notNullable().references('name').inTable('apps').onDelete('CASCADE');
        t.timestamp('created_at').notNullable();
      });
      await knex.schema.createTable('mounts', (t) => {
        t.string('app', 63).notNullable().references('name').inTable('apps').onDelete('CASCADE');
        t.string('name', 63).notNullable();
        t.string('path', 255).notNullable();
        t.timestamp('created_at').notNullable();
        t.primary(['app', 'name']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('mounts');
      await knex.schema.dropTableIfExists('domains');
      await knex.schema.dropTableIfExists('tokens');
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('resources_json');
      });
      await knex.schema.alterTable('keys', (t) => {
        t.dropColumn('apps_json');
      });
    },
  },
  {
    name: '007_certificates',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.boolean('certs_auto').notNullable().defaultTo(false);
        t.boolean('https_redirect').notNullable().defaultTo(false);
      });
      await knex.schema.createTable('certificates', (t) => {
        t.string('host', 253).primary();
        t.string('app', 63).notNullable().references('name').inTable('apps').onDelete('CASCADE');
        t.string('source', 10).notNullable();
        t.text('cert_pem').nullable();
        t.text('key_pem').nullable();
        t.text('issuer').nullable();
        t.timestamp('not_after').nullable();
        t.text('error').nullable();
        t.timestamp('error_at').nullable();
        t.timestamp('updated_at').notNullable();
      });
      await knex.schema.createTable('acme_accounts', (t) => {
        t.string('directory_url', 500).primary();
        t.text('account_url').notNullable();
        t.text('email').nullable();
        t.timestamp('created_at').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('acme_accounts');
      await knex.schema.dropTableIfExists('certificates');
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('https_redirect');
        t.dropColumn('certs_auto');
      });
    },
  },
  {
    // Volumes are named paas.APP.NAME from now on (paas-APP-NAME was ambiguous across apps); mounts made
    // before keep the volume that holds their data.
    name: '008_mount_volumes',
    async up(knex) {
      await knex.schema.alterTable('mounts', (t) => {
        t.string('volume', 200).nullable();
      });
      await knex('mounts').update({ volume: knex.raw(`'paas-' || app || '-' || name`) });
    },
    async down(knex) {
      await knex.schema.alterTable('mounts', (t) => {
        t.dropColumn('volume');
      });
    },
  },
  {
    // ps:scale before the first deploy: the formation the first release starts with.
    name: '009_app_formation',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.text('formation_json').notNullable().defaultTo('{}');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('formation_json');
      });
    },
  },
  {
    // Dokku's builder-dockerfile dockerfile-path: a Dockerfile elsewhere than the repository's root.
    name: '010_app_dockerfile_path',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.string('dockerfile_path', 255).nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('dockerfile_path');
      });
    },
  },
  {
    // Builds and CI runs are numbered per app, as Heroku numbers releases (ids stay the internal keys).
    name: '011_per_app_numbers',
    async up(knex) {
      for (const table of ['builds', 'ci_runs']) {
        await knex.schema.alterTable(table, (t) => {
          t.integer('number').nullable();
        });
        await knex.raw(`UPDATE ${table} SET number = (SELECT COUNT(*) FROM ${table} other WHERE other.app = ${table}.app AND other.id <= ${table}.id)`);
      }
    },
    async down(knex) {
      for (const table of ['builds', 'ci_runs']) {
        await knex.schema.alterTable(table, (t) => {
          t.dropColumn('number');
        });
      }
    },
  },
  {
    // Dokku's docker-options for the build phase: the --build-arg options an app opts in to.
    name: '012_app_build_args',
    async up(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.text('build_args_json').notNullable().defaultTo('[]');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('apps', (t) => {
        t.dropColumn('build_args_json');
      });
    },
  },
];
