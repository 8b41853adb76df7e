#!/usr/bin/env node
// Renders kong/kong.yml for Kong (docker-compose, Helm checks): `node dist/render-cli.js kong/kong.yml > out.yml`.
import { renderKongConfig } from './kong-config.js';

const [path = 'kong/kong.yml'] = process.argv.slice(2);
try {
  process.stdout.write(renderKongConfig(path, process.env));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
