#!/usr/bin/env node
// Generates TypeScript from proto/: per proto package, message interfaces (as decoded with proto-loader's
// defaults), a promise client interface and an async handler interface per service, and a descriptor that ties
// them to the .proto file at runtime. Deterministic output; runs as part of `build`.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const here = dirname(fileURLToPath(import.meta.url));
const protoRoot = join(here, '../../../proto');
const outDir = join(here, '../src/gen');

function protoFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return protoFiles(path);
      return name.endsWith('.proto') ? [relative(protoRoot, path)] : [];
    });
}

const SCALARS = {
  string: 'string',
  bool: 'boolean',
  bytes: 'Buffer',
  double: 'number',
  float: 'number',
  int32: 'number',
  uint32: 'number',
  sint32: 'number',
  fixed32: 'number',
  sfixed32: 'number',
  int64: 'string',
  uint64: 'string',
  sint64: 'string',
  fixed64: 'string',
  sfixed64: 'string',
};

const typeName = (type, pkg) => type.fullName.slice(pkg.length + 2).replace(/\./g, '_');
const camel = (name) => name.charAt(0).toLowerCase() + name.slice(1);
const doc = (comment, indent = '') => {
  if (!comment) return '';
  const lines = comment.split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join('\n')}\n${indent} */\n`;
};

function generate(pkg, types, services, files, imports) {
  const reference = (field) => {
    if (SCALARS[field.type]) return SCALARS[field.type];
    const resolved = field.resolvedType;
    const owner = resolved.fullName.slice(1, resolved.fullName.lastIndexOf('.'));
    const ownerPackage = owner
      .split('.')
      .filter((part) => /^[a-z]/.test(part))
      .join('.');
    if (ownerPackage !== pkg) {
      const alias = ownerPackage.replace(/\./g, '_');
      imports.add(`import type * as ${alias} from './${ownerPackage}.js';`);
      return `${alias}.${typeName(resolved, ownerPackage)}`;
    }
    return typeName(resolved, pkg);
  };
  let out = '';
  for (const type of types) {
    if (type instanceof protobuf.Enum) {
      out += `${doc(type.comment)}export type ${typeName(type, pkg)} = ${Object.keys(type.values)
        .map((v) => `'${v}'`)
        .join(' | ')};\n\n`;
      continue;
    }
    out += `${doc(type.comment)}export interface ${typeName(type, pkg)} {\n`;
    for (const field of type.fieldsArray) {
      const name = camel(field.name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()));
      let ts = reference(field);
      if (field.map) ts = `Record<string, ${ts}>`;
      else if (field.repeated) ts = `${ts}[]`;
      // proto3 `optional`, oneof members and message fields are absent when unset; the rest decode to defaults.
      const optional = field.partOf || (field.resolvedType instanceof protobuf.Type && !field.repeated && !field.map);
      out += `${doc(field.comment, '  ')}  ${name}${optional ? '?' : ''}: ${ts};\n`;
    }
    out += '}\n\n';
  }
  for (const service of services) {
    const methods = service.methodsArray;
    const sig = (m, kind) =>
      kind === 'client'
        ? `  ${camel(m.name)}(request: Partial<${typeName(m.resolvedRequestType, pkg)}>, options?: CallOptions): Promise<${typeName(m.resolvedResponseType, pkg)}>;\n`
        : `  ${camel(m.name)}(request: ${typeName(m.resolvedRequestType, pkg)}, context: CallContext): Promise<${typeName(m.resolvedResponseType, pkg)}>;\n`;
    out += `${doc(service.comment)}export interface ${service.name}Client {\n${methods.map((m) => `${doc(m.comment, '  ')}${sig(m, 'client')}`).join('')}  close(): void;\n}\n\n`;
    out += `export interface ${service.name}Handlers {\n${methods.map((m) => sig(m, 'server')).join('')}}\n\n`;
    out += `export const ${service.name} = {\n  fullName: '${service.fullName.slice(1)}',\n  file: '${files.get(service)}',\n  methods: [${methods.map((m) => `'${camel(m.name)}'`).join(', ')}],\n} as ServiceDescriptor<${service.name}Client, ${service.name}Handlers>;\n\n`;
  }
  return out;
}

const files = protoFiles(protoRoot);
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(protoRoot, target));
const fileOf = new Map();
for (const file of files) root.loadSync(file, { keepCase: true, alternateCommentMode: true });
root.resolveAll();

const byPackage = new Map();
const visit = (namespace) => {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum || nested instanceof protobuf.Service) {
      const pkg = nested.fullName
        .slice(1)
        .split('.')
        .filter((part) => /^[a-z]/.test(part))
        .join('.');
      if (!byPackage.has(pkg)) byPackage.set(pkg, { types: [], services: [] });
      byPackage.get(pkg)[nested instanceof protobuf.Service ? 'services' : 'types'].push(nested);
      if (nested instanceof protobuf.Service) fileOf.set(nested, relative(protoRoot, nested.filename));
    }
    if (nested.nestedArray) visit(nested);
  }
};
visit(root);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const index = [];
for (const [pkg, { types, services }] of [...byPackage].sort(([a], [b]) => a.localeCompare(b))) {
  const imports = new Set();
  const body = generate(pkg, types, services, fileOf, imports);
  const header = `// Generated from proto/ by packages/proto/scripts/generate.mjs. Do not edit.\n${services.length ? "import type { CallContext, CallOptions, ServiceDescriptor } from '../runtime.js';\n" : ''}${[...imports].sort().join('\n')}\n\n`;
  writeFileSync(join(outDir, `${pkg}.ts`), header + body);
  index.push(
    `export * as ${pkg
      .split('.')
      .slice(1)
      .map((part, i) => (i ? part.charAt(0).toUpperCase() + part.slice(1) : part))
      .join('')} from './${pkg}.js';`,
  );
}
writeFileSync(join(outDir, 'index.ts'), `// Generated. Do not edit.\n${index.join('\n')}\n`);
console.log(`generated ${byPackage.size} proto package(s) from ${files.length} file(s)`);
