#!/usr/bin/env node
// Regenerates src/gen/schema.ts from the aggregated OpenAPI document of a running platform (the gateway's
// /openapi.json): `node packages/sdk/scripts/generate.mjs [http://localhost:8000 | path/to/openapi.json]`.
// The services build their documents at start-up, so the schema is committed; hosts/all-in-one's sdk-schema test
// fails when it no longer matches what the platform serves.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { renderSchema, schemaFile } from './schema.mjs';

const source = process.argv[2] ?? process.env.GATEWAY_URL ?? 'http://localhost:8000';
const url = /^https?:/.test(source) ? new URL('/openapi.json', source) : pathToFileURL(source);
writeFileSync(schemaFile, await renderSchema(url));
console.log(`wrote ${schemaFile}`);
