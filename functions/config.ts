import { resolve } from 'node:path';

/** Everything read from the environment, read once at the edge and passed in. */
export interface Config {
  dataDir: string;
  port: number;
  /** Vietnam keeps UTC+7 all year; a province elsewhere would set its own. */
  utcOffsetHours: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  return {
    dataDir: resolve(overrides.dataDir ?? env.CHISO_DATA_DIR ?? '.chiso'),
    port: overrides.port ?? Number(env.PORT ?? 8787),
    utcOffsetHours: overrides.utcOffsetHours ?? Number(env.CHISO_UTC_OFFSET_HOURS ?? 7),
  };
}
