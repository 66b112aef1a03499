// The review_apps table: an app made for one branch of a pipeline's staging app (its parent).
import type { Db } from './db.js';
import { now } from './db.js';

export interface ReviewAppRow {
  app: string;
  pipeline: string;
  parent: string;
  branch: string;
  sha: string | null;
  createdAt: string;
  deployedAt: string | null;
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function fromRow(row: Record<string, unknown>): ReviewAppRow {
  return {
    app: String(row.app),
    pipeline: String(row.pipeline),
    parent: String(row.parent),
    branch: String(row.branch),
    sha: row.sha == null ? null : String(row.sha),
    createdAt: iso(row.created_at)!,
    deployedAt: iso(row.deployed_at),
  };
}

export async function listReviewApps(db: Db, where: { pipeline?: string; parent?: string } = {}): Promise<ReviewAppRow[]> {
  return (await db('review_apps').where(where).orderBy('created_at')).map(fromRow);
}

export async function findReviewApp(db: Db, where: { app: string } | { parent: string; branch: string }): Promise<ReviewAppRow | undefined> {
  const row = await db('review_apps').where(where).first();
  return row ? fromRow(row) : undefined;
}

export async function insertReviewApp(db: Db, row: Pick<ReviewAppRow, 'app' | 'pipeline' | 'parent' | 'branch'>): Promise<void> {
  await db('review_apps').insert({ ...row, created_at: now() });
}

export async function markReviewDeployed(db: Db, app: string, sha: string): Promise<void> {
  await db('review_apps').where({ app }).update({ sha, deployed_at: now() });
}
