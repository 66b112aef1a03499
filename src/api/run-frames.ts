// Pure: the framing of a one-off run's upgraded connection. Each frame is a type byte, a 4-byte big-endian
// length and the payload; both ways share it (stdin and resizes up, output and the exit status down).

export const FRAME = { stdin: 0, stdout: 1, stderr: 2, exit: 3, resize: 4, stdinEnd: 5 } as const;
export type FrameType = (typeof FRAME)[keyof typeof FRAME];

const MAX_PAYLOAD = 1024 * 1024;

export function encodeFrame(type: FrameType, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(5);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** Collects bytes and hands out whole frames; throws on a frame type or size no peer sends. */
export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { type: FrameType; payload: Buffer }[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const frames: { type: FrameType; payload: Buffer }[] = [];
    while (this.buffered.length >= 5) {
      const type = this.buffered.readUInt8(0);
      const size = this.buffered.readUInt32BE(1);
      if (type > FRAME.stdinEnd || size > MAX_PAYLOAD) throw new Error(`bad frame (type ${type}, ${size} bytes)`);
      if (this.buffered.length < 5 + size) break;
      frames.push({ type: type as FrameType, payload: this.buffered.subarray(5, 5 + size) });
      this.buffered = this.buffered.subarray(5 + size);
    }
    return frames;
  }
}
