// Decodes BuildKit's progress as the Engine API streams it during a build with builder version 2: events
// {"id":"moby.buildkit.trace","aux":"<base64>"} whose payload is a moby.buildkit.v1.StatusResponse message
// (protobuf). The message's shape below is the subset of BuildKit's control API that progress needs (field
// numbers as BuildKit defines them); protobufjs does the wire decoding.
import protobuf from 'protobufjs';

export interface BuildkitVertex {
  digest: string;
  name: string;
  cached: boolean;
  started?: number;
  completed?: number;
  error: string;
}

export interface BuildkitLog {
  vertex: string;
  msg: Buffer;
}

export interface BuildkitStatus {
  vertexes: BuildkitVertex[];
  logs: BuildkitLog[];
}

const root = protobuf.Root.fromJSON({
  nested: {
    Timestamp: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
    Vertex: {
      fields: {
        digest: { type: 'string', id: 1 },
        inputs: { rule: 'repeated', type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        cached: { type: 'bool', id: 4 },
        started: { type: 'Timestamp', id: 5 },
        completed: { type: 'Timestamp', id: 6 },
        error: { type: 'string', id: 7 },
      },
    },
    VertexLog: {
      fields: {
        vertex: { type: 'string', id: 1 },
        timestamp: { type: 'Timestamp', id: 2 },
        stream: { type: 'int64', id: 3 },
        msg: { type: 'bytes', id: 4 },
      },
    },
    StatusResponse: {
      fields: {
        vertexes: { rule: 'repeated', type: 'Vertex', id: 1 },
        logs: { rule: 'repeated', type: 'VertexLog', id: 3 },
      },
    },
  },
});
const StatusResponse = root.lookupType('StatusResponse');

interface Timestamp {
  seconds?: number | { toNumber(): number };
  nanos?: number;
}

function millis(ts: Timestamp | undefined): number | undefined {
  if (!ts) return undefined;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0);
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** Pure: one trace event's payload (base64) as vertexes and logs; unreadable payloads give nothing. */
export function decodeBuildkitStatus(base64: string): BuildkitStatus {
  let message: { vertexes?: (Omit<BuildkitVertex, 'started' | 'completed'> & { started?: Timestamp; completed?: Timestamp })[]; logs?: BuildkitLog[] };
  try {
    message = StatusResponse.toObject(StatusResponse.decode(Buffer.from(base64, 'base64')), { defaults: true, bytes: Buffer }) as typeof message;
  } catch {
    return { vertexes: [], logs: [] };
  }
  return {
    vertexes: (message.vertexes ?? []).map((v) => {
      const started = millis(v.started);
      const completed = millis(v.completed);
      return {
        digest: v.digest,
        name: v.name,
        cached: v.cached,
        error: v.error,
        ...(started !== undefined ? { started } : {}),
        ...(completed !== undefined ? { completed } : {}),
      };
    }),
    logs: (message.logs ?? []).map((l) => ({ vertex: l.vertex, msg: Buffer.from(l.msg) })),
  };
}
