/**
 * withTimerSlack (scripts/stack/proc.ts), as the native stack starts Cassandra with it: the program
 * runs with the slack, and so does every thread it starts; where the slack cannot be set, the
 * program still runs.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { withTimerSlack } from '../../scripts/stack/proc';

const run = promisify(execFile);

// Prints the main thread's and a worker thread's timer slack (a thread's own file is /proc/<tid>/timerslack_ns).
const SLACK =
  "const slack = () => { const fs = require('node:fs'); const tid = fs.readlinkSync('/proc/thread-self').split('/').pop(); return fs.readFileSync('/proc/' + tid + '/timerslack_ns', 'utf8').trim(); };";
const PROGRAM = `
${SLACK}
const { Worker } = require('node:worker_threads');
const worker = new Worker(${JSON.stringify(`${SLACK} require('node:worker_threads').parentPort.postMessage(slack());`)}, { eval: true });
worker.once('message', (inWorker) => { console.log(JSON.stringify({ main: slack(), worker: inWorker })); worker.terminate(); });
`;

describe('withTimerSlack', () => {
  it('runs the program with the slack, inherited by the threads it starts', async () => {
    const { command, args } = withTimerSlack(1_000_000, process.execPath, ['-e', PROGRAM]);
    const { stdout } = await run(command, args, { timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual({ main: '1000000', worker: '1000000' });
  });

  it('passes the arguments through as they are, spaces and quotes included', async () => {
    const { command, args } = withTimerSlack(2_000_000, process.execPath, ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', 'a b', '"c"', '$HOME']);
    const { stdout } = await run(command, args, { timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual(['a b', '"c"', '$HOME']);
  });

  it('still runs the program when the slack cannot be set', async () => {
    // A slack the kernel refuses (not a number): the write fails silently.
    const { command, args } = withTimerSlack(Number.NaN, 'cat', ['/proc/self/timerslack_ns']);
    const { stdout, stderr } = await run(command, args, { timeout: 20_000 });
    // Its slack is the one it inherited: this process' (50 µs, unless set higher up).
    expect(stdout.trim()).toBe(readFileSync('/proc/self/timerslack_ns', 'utf8').trim());
    expect(stderr).toBe('');
  });
});
