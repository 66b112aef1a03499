// Schema migrations, kept in code so they run the same from SQLite and Postgres and from a compiled build.
import type { Knex } from 'knex';

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const MIGRATIONS: Migration[] = [
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

/** A knex migration source over the migrations above. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
