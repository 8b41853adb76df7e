import type { TestProject } from 'vitest/node';
import { type PlatformInfo, servers, startPlatform } from './platform.js';

declare module 'vitest' {
  export interface ProvidedContext {
    platform: PlatformInfo;
  }
}

/**
 * One distributed platform for the whole suite (it takes a minute or more to start on 2 cores). While working on
 * a test, CHAOS_PLATFORM_DIR=<its data dir> runs against a platform already started with the suite's env.
 */
export default async function setup(project: TestProject) {
  if (process.env.CHAOS_PLATFORM_DIR) {
    project.provide('platform', { dataDir: process.env.CHAOS_PLATFORM_DIR, servers: servers('start') });
    return;
  }
  const platform = await startPlatform();
  project.provide('platform', platform.info);
  return () => platform.stop();
}
