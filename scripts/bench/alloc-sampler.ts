/**
 * Preloaded into `sls offline start` by the pipeline benchmark with `--alloc-prof <dir>` (`node
 * --require`, main thread only). The first SIGUSR2 starts V8's sampling heap profiler, counting
 * objects the collector has already freed too (so the profile is what was allocated, not what
 * survived); the second stops it and writes <dir>/alloc-<pid>.heapprofile. The bench sends them
 * around its throughput phase. With TRIBUTARY_ALLOC_SURVIVORS=1 (`--alloc-survivors`) objects a
 * young-generation collection freed are left out: the profile is what outlived one, what the
 * collector copied. Written with type-only TypeScript, so Node's type stripping loads it.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** One sample per 64 KiB allocated on average: ~0.5 M samples for 100k users, a few % of CPU. */
const SAMPLING_INTERVAL_BYTES = 64 * 1024;
const dir = process.env.TRIBUTARY_ALLOC_PROF;
const survivorsOnly = process.env.TRIBUTARY_ALLOC_SURVIVORS === '1';

if (isMainThread && dir) {
  const session = new Session();
  session.connect();
  let sampling = false;
  process.on('SIGUSR2', () => {
    if (!sampling) {
      sampling = true;
      session.post('HeapProfiler.startSampling', {
        samplingInterval: SAMPLING_INTERVAL_BYTES,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: !survivorsOnly,
      });
      return;
    }
    sampling = false;
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) return void process.stderr.write(`alloc-sampler: ${error.message}\n`);
      // Renamed into place: the bench reads the file as soon as it exists.
      const file = path.join(dir, `alloc-${process.pid}.heapprofile`);
      writeFileSync(`${file}.partial`, JSON.stringify(result.profile));
      renameSync(`${file}.partial`, file);
    });
  });
}
