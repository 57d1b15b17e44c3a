/**
 * Preloaded into `sls offline start` by the pipeline benchmark (`node --require`): Node passes the
 * flag on to worker threads, so this runs in the main thread and in every worker serverless-offline
 * starts for a function. Each thread samples its own V8 heap and writes its peak to
 * <tmpdir>/tributary-heap-<pid>/<threadId>.json with the function it runs (serverless-offline's
 * workerData.functionKey). Written with type-only TypeScript, so Node's type stripping loads it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, threadId, workerData } from 'node:worker_threads';

const SAMPLE_MS = 200;
const dir = path.join(tmpdir(), `tributary-heap-${process.pid}`);
const functionKey = isMainThread ? 'main' : String((workerData as { functionKey?: unknown } | null)?.functionKey ?? 'worker');
let peakUsed = 0;
let peakTotal = 0;
let written = 0;

function sample(): void {
  const stats = getHeapStatistics();
  peakUsed = Math.max(peakUsed, stats.used_heap_size);
  peakTotal = Math.max(peakTotal, stats.total_heap_size);
  // Written when the peak grew by 1 MiB or more: a few writes per thread, not one per sample.
  if (peakTotal - written >= 1024 * 1024) {
    written = peakTotal;
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${threadId}.json`), JSON.stringify({ threadId, functionKey, peakUsed, peakTotal, at: Date.now() }));
    } catch {
      /* a probe never disturbs the process it watches */
    }
  }
}

sample();
setInterval(sample, SAMPLE_MS).unref();
