// Pure: the jobs running for a page, folded from the activity stream's events.

export interface Job {
  id: string;
  app: string;
  kind: string;
  buildId?: number;
  ciRunId?: number;
  lines: string[];
  ended?: boolean;
  ok?: boolean;
}

export type ActivityMessage =
  | { type: 'running'; job: Omit<Job, 'lines'>; lines: string[] }
  | { type: 'started'; job: Omit<Job, 'lines'> }
  | { type: 'line'; id: string; line: string }
  | { type: 'ended'; id: string; ok: boolean };

/** The jobs after one message; ended jobs stay (marked) so their last lines remain readable. */
export function foldActivity(jobs: Job[], message: ActivityMessage): Job[] {
  if (message.type === 'running') return [...jobs.filter((j) => j.id !== message.job.id), { ...message.job, lines: message.lines }];
  if (message.type === 'started') return [...jobs.filter((j) => j.id !== message.job.id), { ...message.job, lines: [] }];
  return jobs.map((j) => {
    if (j.id !== message.id) return j;
    return message.type === 'line' ? { ...j, lines: [...j.lines, message.line] } : { ...j, ended: true, ok: message.ok };
  });
}
