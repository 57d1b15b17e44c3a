/**
 * The worker thread of transcode-worker.ts: Avro values (Confluent-framed, in one shared buffer)
 * to JSON with the writer schemas it was given, into a shared buffer of its own. A value it cannot
 * transcode ends the request with ok: false (the main thread then decodes the chunk itself and
 * names the failure); it never throws out of a request.
 */
import { parentPort } from 'node:worker_threads';
import { JsonOutput } from './json-output';
import { HEADER_BYTES, schemaIdOf } from './record-decoder';
import type { ThreadReply, ThreadRequest } from './transcode-worker';
import { createWriterCodec, type WriterCodec } from './writer-codec';

const codecs = new Map<number, WriterCodec>();

function transcode(request: Extract<ThreadRequest, { kind: 'transcode' }>): ThreadReply {
  const input = Buffer.from(request.input);
  const bounds = new Int32Array(request.bounds);
  const count = bounds.length - 1;
  const ends = new SharedArrayBuffer(4 * Math.max(1, count));
  const endView = new Int32Array(ends);
  // The JSON is written straight into the shared output; a record that outgrows it lands in a heap
  // buffer of JsonOutput's (reserve), and the output grows to take it.
  const json = new JsonOutput(0);
  let output = new SharedArrayBuffer(Math.max(64 * 1024, input.length * 2));
  let view = Buffer.from(output);
  json.buffer = view;
  for (let i = 0; i < count; i++) {
    const value = input.subarray(bounds[i] as number, bounds[i + 1] as number);
    const id = schemaIdOf(value);
    const codec = id === undefined ? undefined : codecs.get(id);
    if (!codec) return { kind: 'transcoded', id: request.id, ok: false };
    const length = json.length;
    try {
      codec.appendJson(value, HEADER_BYTES, json);
    } catch {
      return { kind: 'transcoded', id: request.id, ok: false };
    }
    if (json.buffer !== view) {
      const size = json.length - json.recordStart;
      const grown = new SharedArrayBuffer(Math.max(view.length * 2, length + size + 64 * 1024));
      const grownView = Buffer.from(grown);
      view.copy(grownView, 0, 0, length);
      json.buffer.copy(grownView, length, json.recordStart, json.length);
      [output, view] = [grown, grownView];
      json.buffer = view;
      json.length = length + size;
    }
    endView[i] = json.length;
  }
  return { kind: 'transcoded', id: request.id, ok: true, output, ends };
}

parentPort?.on('message', (request: ThreadRequest) => {
  if (request.kind === 'schema') {
    // A schema avsc cannot read gives a codec that throws: its values come back ok: false.
    codecs.set(request.id, createWriterCodec({ id: request.id, schema: request.schema, dataFormat: 'AVRO' }));
    return;
  }
  parentPort?.postMessage(request.kind === 'ping' ? ({ kind: 'pong', id: request.id } satisfies ThreadReply) : transcode(request));
});
