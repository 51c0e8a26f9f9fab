import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { buildDemoLake } from './helpers/demoLake.ts';

declare module 'vitest' {
  export interface ProvidedContext { demoLake: string }
}

/** Builds the demo lake once for every test file that reads it (read-only). */
export default async function setup(project: TestProject) {
  const dir = await buildDemoLake();
  project.provide('demoLake', dir);
  return async () => { await rm(dir, { recursive: true, force: true }); };
}
