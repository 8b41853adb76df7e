#!/usr/bin/env node
// `npm run bench -- <name>` runs one benchmark, `npm run bench` all of them, one after the other.
import { gatewayBench } from './p1-gateway.js';
import { loginBench } from './p2-login.js';

const benchmarks: Record<string, () => Promise<void>> = {
  gateway: gatewayBench, // P1
  login: loginBench, // P2
};

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(benchmarks)) {
  const bench = benchmarks[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  await bench();
}
