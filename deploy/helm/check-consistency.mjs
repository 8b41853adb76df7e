// Checks a rendered environment against itself and against its Terraform variables:
//   node deploy/helm/check-consistency.mjs <env> <rendered.yaml> [<envs/<env>.tfvars>]
// - every enabled service has its Deployment and ServiceAccount, and in staging/prod its PodDisruptionBudget,
//   HorizontalPodAutoscaler and NetworkPolicy;
// - with a tfvars file: Terraform's enabled_services equals the services the umbrella enables; (staging/prod) the IRSA role on
//   each ServiceAccount is the one iam.tf names; STORAGE_URL is the media bucket main.tf names, in the region;
//   the NetworkPolicies' store range and TRUSTED_PROXIES are the VPC CIDR.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { parseAllDocuments } = createRequire(join(ROOT, 'packages/service-kit/package.json'))('yaml');

const [envName, renderedFile, tfvarsFile] = process.argv.slice(2);
const docs = parseAllDocuments(readFileSync(renderedFile, 'utf8'))
  .map((doc) => doc.toJS())
  .filter(Boolean);
const problems = [];
const find = (kind, name) => docs.find((doc) => doc.kind === kind && doc.metadata.name === name);

const deployments = docs.filter((doc) => doc.kind === 'Deployment' && doc.metadata.name.endsWith('-service'));
const enabled = deployments.map((doc) => doc.metadata.name.replace(/-service$/, '')).sort();
const production = envName !== 'dev';
const policiesOn = Boolean(find('NetworkPolicy', 'default-deny'));
if (production && !policiesOn) problems.push('no default-deny NetworkPolicy');

for (const name of [...enabled.map((service) => `${service}-service`), 'gateway']) {
  if (production && !find('PodDisruptionBudget', name)) problems.push(`${name}: no PodDisruptionBudget`);
  if (production && !find('HorizontalPodAutoscaler', name)) problems.push(`${name}: no HorizontalPodAutoscaler`);
  if (policiesOn && !find('NetworkPolicy', name)) problems.push(`${name}: no NetworkPolicy`);
}
for (const deployment of deployments) {
  const account = deployment.spec.template.spec.serviceAccountName;
  if (!account || !find('ServiceAccount', account))
    problems.push(
      `${deployment.metadata.name}: runs as ServiceAccount ${account ?? '(none)'}, which the release lacks`,
    );
}

const envOf = (deployment) =>
  Object.fromEntries(
    deployment.spec.template.spec.containers[0].env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
  );

if (tfvarsFile) {
  const tfvars = readFileSync(tfvarsFile, 'utf8');
  const variables = readFileSync(join(ROOT, 'deploy/terraform/platform/variables.tf'), 'utf8');
  const string = (name) =>
    tfvars.match(new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, 'm'))?.[1] ??
    variables.match(new RegExp(`variable "${name}" \\{[^}]*?default\\s*=\\s*"([^"]*)"`, 's'))?.[1];
  const list = (name) => {
    const body = tfvars.match(new RegExp(`^${name}\\s*=\\s*\\[([^\\]]*)\\]`, 'm'))?.[1];
    return body === undefined ? undefined : [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  };
  const terraformServices = (list('enabled_services') ?? []).sort();
  if (JSON.stringify(terraformServices) !== JSON.stringify(enabled))
    problems.push(
      `Terraform enabled_services (${terraformServices.join(', ')}) differ from the enabled charts (${enabled.join(', ')})`,
    );
  const environment = string('environment');
  if (environment !== envName) problems.push(`${tfvarsFile}: environment is ${environment}, not ${envName}`);
}
// The dev values target a local cluster (kind, minikube) with the dev-infra chart, not the dev AWS account:
// only the service list is shared with Terraform there.
if (tfvarsFile && production) {
  const tfvars = readFileSync(tfvarsFile, 'utf8');
  const variables = readFileSync(join(ROOT, 'deploy/terraform/platform/variables.tf'), 'utf8');
  const string = (name) =>
    tfvars.match(new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, 'm'))?.[1] ??
    variables.match(new RegExp(`variable "${name}" \\{[^}]*?default\\s*=\\s*"([^"]*)"`, 's'))?.[1];
  const region = string('region');
  const vpc = string('vpc_cidr');
  // main.tf: local.name = diaspora-<environment>; iam.tf: role <local.name>-<service>-service;
  // the media bucket <local.name>-media-<account id>.
  for (const deployment of deployments) {
    const account = find('ServiceAccount', deployment.spec.template.spec.serviceAccountName);
    const role = account?.metadata.annotations?.['eks.amazonaws.com/role-arn'] ?? '';
    const expected = new RegExp(`^arn:aws:iam::[0-9]{12}:role/diaspora-${envName}-${deployment.metadata.name}$`);
    if (!expected.test(role))
      problems.push(
        `${deployment.metadata.name}: IRSA role "${role}" is not diaspora-${envName}-${deployment.metadata.name}`,
      );
    const env = envOf(deployment);
    if ('STORAGE_URL' in env || ['content-service', 'messaging-service'].includes(deployment.metadata.name)) {
      const bucket = new RegExp(`^s3://diaspora-${envName}-media-[0-9]{12}\\?region=${region}$`);
      if (!bucket.test(env.STORAGE_URL ?? ''))
        problems.push(
          `${deployment.metadata.name}: STORAGE_URL "${env.STORAGE_URL}" is not Terraform's bucket (s3://diaspora-${envName}-media-<account>?region=${region})`,
        );
    }
    if (env.TRUSTED_PROXIES !== vpc)
      problems.push(`${deployment.metadata.name}: TRUSTED_PROXIES "${env.TRUSTED_PROXIES}" is not the VPC ${vpc}`);
  }
  const accounts = new Set(
    docs
      .filter((doc) => doc.kind === 'ServiceAccount')
      .map((doc) => doc.metadata.annotations?.['eks.amazonaws.com/role-arn']?.split(':')[4])
      .concat(deployments.map((d) => envOf(d).STORAGE_URL?.match(/-media-([0-9]{12})\?/)?.[1]))
      .filter(Boolean),
  );
  if (accounts.size > 1) problems.push(`more than one AWS account named: ${[...accounts].join(', ')}`);
  const storeRanges = docs
    .filter((doc) => doc.kind === 'NetworkPolicy')
    .flatMap((doc) => doc.spec.egress ?? [])
    .flatMap((rule) => rule.to ?? [])
    .map((peer) => peer.ipBlock)
    .filter((block) => block && !block.except)
    .map((block) => block.cidr);
  for (const cidr of new Set(storeRanges))
    if (cidr !== vpc) problems.push(`NetworkPolicies reach stores in ${cidr}, not the VPC ${vpc}`);
}

if (problems.length) {
  for (const line of problems) console.error(`  - ${envName}: ${line}`);
  process.exit(1);
}
console.log(
  `${envName}: ${enabled.length} services, each with its ServiceAccount${production ? ', PDB, HPA' : ''}${policiesOn ? ', NetworkPolicy' : ''}${tfvarsFile ? `; Terraform agrees (${production ? 'services, IRSA roles, bucket, VPC' : 'services'})` : ''}`,
);
