import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServiceDefinition } from '@diaspora/service-kit';

/** Ports are stable across runs: the n-th service of this list gets base + n. */
const SERVICE_ORDER = [
  'user',
  'event',
  'content',
  'messaging',
  'notification',
  'payment',
  'search',
  'integration',
  'admin',
];

export interface DiscoveredService {
  name: string;
  definition: ServiceDefinition;
  index: number;
}

interface Manifest {
  name: string;
  exports?: { '.': { default: string } };
  diaspora?: { service: string; export: string };
}

/**
 * Every workspace package under services/ that declares `"diaspora": { "service", "export" }` in its package.json
 * is hosted; its built entry exports the service definition. Adding a service needs no change here.
 */
export async function discoverServices(root: string, only?: string[]): Promise<DiscoveredService[]> {
  const dir = join(root, 'services');
  const found: DiscoveredService[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const manifestPath = join(dir, entry, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const meta = manifest.diaspora;
    if (!meta || (only && !only.includes(meta.service))) continue;
    const entryFile = join(dir, entry, manifest.exports?.['.'].default ?? 'dist/app.js');
    if (!existsSync(entryFile))
      throw new Error(`${manifest.name} is not built (${entryFile} missing): run npm run build`);
    const module = (await import(pathToFileURL(entryFile).href)) as Record<string, ServiceDefinition>;
    const definition = module[meta.export];
    if (!definition) throw new Error(`${manifest.name} does not export "${meta.export}"`);
    const order = SERVICE_ORDER.indexOf(meta.service);
    found.push({ name: meta.service, definition, index: order === -1 ? SERVICE_ORDER.length + found.length : order });
  }
  return found.sort((a, b) => a.index - b.index);
}
