import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningServer {
  process: ChildProcess;
  base: string;
  token: string;
  output: () => string;
  /** The process's peak resident memory so far (VmHWM), in MB. */
  peakRssMb: () => Promise<number>;
  /** SIGKILL, as a crash or the OOM killer would. */
  kill9: () => Promise<void>;
  stop: () => Promise<void>;
}

/** `npm start` as a user runs it (node with tsx, no npm in between), on a port the OS picks. */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/runtimes/local/start.ts'], {
    cwd: root, env: { ...process.env, PORT: '0', CHISO_DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const { base, token } = await new Promise<{ base: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /analyst token: (\S+)/.exec(output);
      const url = /chiso: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m && url) { clearTimeout(timer); resolve({ token: m[1]!, base: url[1]! }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`exited ${code}:\n${output}`)); });
  });
  return {
    process: child, base, token,
    output: () => output,
    peakRssMb: async () => Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    kill9: async () => { child.kill('SIGKILL'); await exited; },
    stop: async () => { if (child.exitCode === null) { child.kill('SIGTERM'); await exited; } },
  };
}
