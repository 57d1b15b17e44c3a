/**
 * Avro → JSON on a second core: one worker thread per process (transcode-thread.ts) that the
 * mappings hand a fetch's values to, while the main thread goes on with kafkajs, base64 and the
 * invocations. Values go in and JSON comes back through SharedArrayBuffers (one copy in, none
 * out); the records keep slices of the shared output until their event is built.
 *
 * Best effort by design: a value the thread cannot transcode, a schema it was not given, or a
 * thread that failed make transcode() answer undefined, and the caller decodes those values on
 * its own thread as before — the same transcoder, so the same JSON, and the failures named there.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export type ThreadRequest =
  | { kind: 'schema'; id: number; schema: string }
  | { kind: 'ping'; id: number }
  /** bounds: n + 1 offsets into input (Int32), value i is input[bounds[i]…bounds[i + 1]). */
  | { kind: 'transcode'; id: number; input: SharedArrayBuffer; bounds: SharedArrayBuffer };

export type ThreadReply =
  | { kind: 'pong'; id: number }
  /** ends: n offsets into output (Int32), value i's JSON is output[ends[i - 1] ?? 0 … ends[i]). */
  | { kind: 'transcoded'; id: number; ok: true; output: SharedArrayBuffer; ends: SharedArrayBuffer }
  | { kind: 'transcoded'; id: number; ok: false };

/** The values' JSON, one after the other in `output`. */
export interface Transcoded {
  output: Buffer;
  /** Where value i's JSON ends (it starts where value i − 1's ends, or at 0). */
  ends: Int32Array;
}

const ENTRY = path.join(__dirname, 'transcode-thread.cjs');

export class TranscodeWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, (reply: ThreadReply | undefined) => void>();
  private readonly schemas = new Set<number>();
  private nextId = 0;
  private failed = false;

  /** One per process, started on first use; it never keeps the process alive. */
  static shared(): TranscodeWorker {
    shared ??= new TranscodeWorker();
    return shared;
  }

  /** Gives the thread a writer schema (Avro), once per id. */
  register(id: number, schema: string): void {
    if (this.schemas.has(id)) return;
    const worker = this.thread();
    if (!worker) return;
    this.schemas.add(id);
    worker.postMessage({ kind: 'schema', id, schema } satisfies ThreadRequest);
  }

  has(id: number): boolean {
    return this.schemas.has(id) && !this.failed;
  }

  /** Resolves once the thread has loaded and taken every schema registered so far. */
  async ready(): Promise<boolean> {
    return (await this.request((id) => ({ kind: 'ping', id }))) !== undefined;
  }

  /** The values' JSON, or undefined when any of them must be decoded on the caller's thread. */
  async transcode(values: readonly Buffer[]): Promise<Transcoded | undefined> {
    let total = 0;
    for (const value of values) total += value.length;
    const input = new SharedArrayBuffer(Math.max(1, total));
    const inputView = Buffer.from(input);
    const bounds = new SharedArrayBuffer(4 * (values.length + 1));
    const boundView = new Int32Array(bounds);
    let position = 0;
    for (let i = 0; i < values.length; i++) {
      boundView[i] = position;
      position += (values[i] as Buffer).copy(inputView, position);
    }
    boundView[values.length] = position;
    const reply = await this.request((id) => ({ kind: 'transcode', id, input, bounds }));
    if (reply?.kind !== 'transcoded' || !reply.ok) return undefined;
    return { output: Buffer.from(reply.output), ends: new Int32Array(reply.ends) };
  }

  /** Ends the thread; transcode() answers undefined from then on. */
  async close(): Promise<void> {
    this.failed = true;
    await this.worker?.terminate();
  }

  private request(build: (id: number) => ThreadRequest): Promise<ThreadReply | undefined> {
    const worker = this.thread();
    if (!worker) return Promise.resolve(undefined);
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage(build(id));
    });
  }

  private thread(): Worker | undefined {
    if (this.failed) return undefined;
    if (!this.worker) {
      const worker = new Worker(ENTRY);
      worker.unref();
      worker.on('message', (reply: ThreadReply) => {
        this.pending.get(reply.id)?.(reply);
        this.pending.delete(reply.id);
      });
      // A thread that failed is not restarted: every value is decoded on the caller's thread from then on.
      const fail = (): void => {
        this.failed = true;
        this.worker = undefined;
        for (const resolve of this.pending.values()) resolve(undefined);
        this.pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', fail);
      this.worker = worker;
    }
    return this.worker;
  }
}

let shared: TranscodeWorker | undefined;
