#!/usr/bin/env bash
# Checks the deployment files without a cluster, a cloud account or a Docker engine:
#   - the gateway chart's copy of kong/kong.yml is current
#   - every chart lints (--strict) and the umbrella renders for dev, staging and prod
#   - every rendered manifest validates strictly (kubeconform) against the Kubernetes schemas of the PyPI package
#     kubernetes-validate and, for ServiceMonitor/PrometheusRule, the CRD schemas in deploy/schemas/crds
#   - every setting each service's config requires is set or mounted from a Secret (deploy/helm/check-secrets.mjs,
#     against the services' built config schemas), and each environment agrees with its Terraform variables
#     (deploy/helm/check-consistency.mjs: enabled services, IRSA roles, bucket, VPC; PDB/HPA/NetworkPolicy each)
#   - the rendered Kong config carries the JWT public key (and equals render-cli's output when it is built)
#   - docker-compose.yml parses; deploy/terraform is `terraform fmt` clean and, when its providers can be
#     installed, `terraform validate`s
# Helm and kubeconform are pinned and built from the Go module proxy into .tools/go/bin when missing,
# kubernetes-validate installed into .tools/venv (HELM=/path, KUBECONFORM=/path override).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.7.0
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_VERSION=1.33.0   # deploy/terraform/modules/eks kubernetes_version
ENVS=(dev staging prod)
TOOLS="$ROOT/.tools/go/bin"
CHARTS="$ROOT/deploy/helm"

say() { printf '\033[36m[check-deploy]\033[0m %s\n' "$*"; }
die() {
  say "error: $*" >&2
  exit 1
}

# --- helm ----------------------------------------------------------------------------------------------------
helm_version_of() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 == "helm.sh/helm/v3" { print $3 }'; }

if [[ -z "${HELM:-}" ]]; then
  HELM="$TOOLS/helm"
  if [[ ! -x "$HELM" || "$(helm_version_of "$HELM")" != "$HELM_VERSION" ]]; then
    command -v go >/dev/null || die "go is needed to build helm $HELM_VERSION (or set HELM=/path/to/helm)"
    say "building helm $HELM_VERSION into .tools/go/bin (go install; about 1.5 min on a cold module cache)"
    started=$SECONDS
    mkdir -p "$TOOLS"
    GOBIN="$TOOLS" GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
    say "helm built in $((SECONDS - started)) s"
  fi
fi
say "helm: $HELM ($("$HELM" version --short 2>/dev/null || echo unknown))"

# --- kubeconform and the Kubernetes schemas (offline once installed) -----------------------------------------
mod_version_of() { go version -m "$1" 2>/dev/null | awk -v mod="$2" '$1 == "mod" && $2 == mod { print $3 }'; }
if [[ -z "${KUBECONFORM:-}" ]]; then
  KUBECONFORM="$TOOLS/kubeconform"
  if [[ ! -x "$KUBECONFORM" || "$(mod_version_of "$KUBECONFORM" github.com/yannh/kubeconform)" != "$KUBECONFORM_VERSION" ]]; then
    command -v go >/dev/null || die "go is needed to build kubeconform $KUBECONFORM_VERSION (or set KUBECONFORM=/path)"
    say "building kubeconform $KUBECONFORM_VERSION into .tools/go/bin"
    mkdir -p "$TOOLS"
    GOBIN="$TOOLS" GOFLAGS=-mod=mod go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  fi
fi
VENV="$ROOT/.tools/venv"
SCHEMAS="$ROOT/.tools/kubernetes-schemas/v$KUBERNETES_VERSION-$KUBERNETES_VALIDATE_VERSION"
if [[ ! -f "$SCHEMAS/_definitions.json" ]]; then
  if [[ ! -x "$VENV/bin/pip" ]]; then
    python3 -c 'import ensurepip' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
    python3 -m venv "$VENV"
  fi
  say "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION (Kubernetes JSON schemas) into .tools/venv"
  "$VENV/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  source_dir="$("$VENV/bin/python" -c 'import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))')"
  source_dir="$source_dir/kubernetes-json-schema/v$KUBERNETES_VERSION-local-strict"
  [[ -d "$source_dir" ]] || die "kubernetes-validate $KUBERNETES_VALIDATE_VERSION has no schemas for Kubernetes $KUBERNETES_VERSION"
  python3 "$ROOT/deploy/schemas/convert-kubernetes-schemas.py" "$source_dir" "$SCHEMAS.tmp"
  rm -rf "$SCHEMAS" && mv "$SCHEMAS.tmp" "$SCHEMAS"
fi
say "kubeconform: $KUBECONFORM ($("$KUBECONFORM" -v 2>/dev/null || echo unknown)), schemas of Kubernetes $KUBERNETES_VERSION"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# --- kong.yml copy -------------------------------------------------------------------------------------------
"$CHARTS/sync-kong-config.sh" --check

# A throwaway keypair: the gateway chart refuses to render without a public key.
node -e '
const { generateKeyPairSync } = require("node:crypto");
const { writeFileSync } = require("node:fs");
const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" } });
writeFileSync(process.argv[1], publicKey);
' "$WORK/jwt-public.pem"
KEY_ARGS=(--set-file "gateway.jwtPublicKey=$WORK/jwt-public.pem" --set-file "networkPolicy.grpcAccess=$ROOT/proto/access.yaml")

# --- dependencies (file:// only, offline): leaf charts first, the umbrella packs them ------------------------
for chart in "$CHARTS"/charts/*/; do
  if grep -q '^dependencies:' "$chart/Chart.yaml"; then
    "$HELM" dependency update --skip-refresh "$chart" >/dev/null
  fi
done
"$HELM" dependency update --skip-refresh "$CHARTS/diaspora" >/dev/null

# --- lint ----------------------------------------------------------------------------------------------------
for chart in "$CHARTS"/charts/*/; do
  "$HELM" lint --strict --quiet "$chart" --set-file "jwtPublicKey=$WORK/jwt-public.pem" >/dev/null ||
    die "helm lint failed: $chart (run: $HELM lint $chart)"
done
for env in "${ENVS[@]}"; do
  "$HELM" lint --strict --quiet "$CHARTS/diaspora" -f "$CHARTS/diaspora/values-$env.yaml" "${KEY_ARGS[@]}" >/dev/null ||
    die "helm lint failed: diaspora with values-$env.yaml"
done
say "helm lint: ok"

# --- render --------------------------------------------------------------------------------------------------
for env in "${ENVS[@]}"; do
  out="$WORK/diaspora-$env.yaml"
  "$HELM" template diaspora "$CHARTS/diaspora" -n "diaspora-$env" -f "$CHARTS/diaspora/values-$env.yaml" \
    --set global.image.tag=check "${KEY_ARGS[@]}" >"$out"
  for expected in 'kind: Deployment' 'name: user-service' 'name: user-service-migrate' 'name: gateway-kong-config' \
    'containerPort: 9090' 'path: /health/ready' 'BEGIN PUBLIC KEY'; do
    grep -q -- "$expected" "$out" || die "values-$env.yaml render lacks '$expected'"
  done
  if grep -q 'JWT_PUBLIC_KEY}' "$out"; then die "values-$env.yaml render still has the \${JWT_PUBLIC_KEY} placeholder"; fi
  say "helm template (values-$env.yaml): ok, $(grep -c '^kind:' "$out") manifests"
  node "$CHARTS/check-secrets.mjs" "$env" "$out" || die "values-$env.yaml: a service would stop on its config check"
  node "$CHARTS/check-consistency.mjs" "$env" "$out" "$ROOT/deploy/terraform/envs/$env.tfvars" ||
    die "values-$env.yaml: inconsistent (see above)"
done
# The checkers themselves: a prod render missing the SendGrid key must fail the secrets check; a mesh-less prod
# with gRPC mutual TLS (global.grpcTls) must pass it, and is validated below with the rest.
"$HELM" template diaspora "$CHARTS/diaspora" -n diaspora-prod -f "$CHARTS/diaspora/values-prod.yaml" "${KEY_ARGS[@]}" \
  --set user.secretFiles.SENDGRID_API_KEY=null >"$WORK/broken.yaml"
if node "$CHARTS/check-secrets.mjs" broken "$WORK/broken.yaml" 2>/dev/null; then
  die "check-secrets.mjs accepted a user service without SENDGRID_API_KEY"
fi
# … and a prod whose admin service is off must disagree with Terraform's enabled_services.
"$HELM" template diaspora "$CHARTS/diaspora" -n diaspora-prod -f "$CHARTS/diaspora/values-prod.yaml" "${KEY_ARGS[@]}" \
  --set admin.enabled=false >"$WORK/broken.yaml"
if node "$CHARTS/check-consistency.mjs" prod "$WORK/broken.yaml" "$ROOT/deploy/terraform/envs/prod.tfvars" 2>/dev/null; then
  die "check-consistency.mjs accepted Helm and Terraform enabling different services"
fi
"$HELM" template diaspora "$CHARTS/diaspora" -n diaspora-prod -f "$CHARTS/diaspora/values-prod.yaml" "${KEY_ARGS[@]}" \
  --set global.mesh=none --set global.grpcTls=true >"$WORK/diaspora-prod-grpc-tls.yaml"
node "$CHARTS/check-secrets.mjs" prod-grpc-tls "$WORK/diaspora-prod-grpc-tls.yaml" ||
  die "values-prod.yaml with global.grpcTls: a service would stop on its config check"
"$HELM" template dev-infra "$CHARTS/charts/dev-infra" >"$WORK/dev-infra.yaml"

# --- strict schema validation of everything rendered -------------------------------------------------------
if ! "$KUBECONFORM" -strict -summary -kubernetes-version "$KUBERNETES_VERSION" \
  -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  -schema-location "$ROOT/deploy/schemas/crds/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
  "$WORK"/diaspora-*.yaml "$WORK/dev-infra.yaml" >"$WORK/kubeconform.txt"; then
  grep -v ' is valid$' "$WORK/kubeconform.txt" >&2 || true
  die "kubeconform: manifests do not validate"
fi
say "kubeconform (strict, Kubernetes $KUBERNETES_VERSION + CRDs): $(tail -1 "$WORK/kubeconform.txt")"

# --- alert rules: promtool checks them and runs their unit tests (one tests file per rule file) ------------
RULES="$CHARTS/diaspora/files/rules"
RULE_TESTS="$ROOT/deploy/observability/tests"
if ! command -v promtool >/dev/null 2>&1; then
  say "installing promtool (Debian package prometheus; the server it brings is not started)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } \
    >"$WORK/apt-prometheus.log" 2>&1 || die "could not install promtool (see apt-get install prometheus)"
fi
promtool check rules "$RULES"/*.yaml >"$WORK/promtool.txt" 2>&1 || { cat "$WORK/promtool.txt" >&2; die "promtool check rules"; }
for rules in "$RULES"/*.yaml; do
  tests="$RULE_TESTS/$(basename "$rules" .yaml).test.yaml"
  [[ -f "$tests" ]] || die "$(basename "$rules") has no unit tests ($tests)"
  # Every alert is exercised: its name appears in an alert_rule_test of the file.
  for alert in $(awk '$1 == "-" && $2 == "alert:" { print $3 }' "$rules"); do
    grep -q "alertname: $alert\$" "$tests" || die "alert $alert is not tested in $(basename "$tests")"
  done
  (cd "$RULE_TESTS" && promtool test rules "$(basename "$tests")") >"$WORK/promtool.txt" 2>&1 ||
    { cat "$WORK/promtool.txt" >&2; die "promtool test rules $(basename "$tests")"; }
done
grep -q 'kind: PrometheusRule' "$WORK/diaspora-prod.yaml" || die "values-prod.yaml renders no PrometheusRule"
node "$ROOT/deploy/observability/dashboards.mjs" --check >/dev/null || die "Grafana dashboards are stale"
[[ "$(grep -c '^  name: diaspora-dashboard-' "$WORK/diaspora-prod.yaml")" -ge 10 ]] ||
  die "values-prod.yaml does not ship the Grafana dashboards"
say "alert rules: promtool check and unit tests ok ($(ls "$RULES"/*.yaml | wc -l) rule files, $(promtool --version 2>&1 | awk 'NR == 1 { print $3 }'))"

# Helm's rendering of kong.yml must mean the same as the gateway's render-cli (when it is built here).
CLI="$ROOT/hosts/gateway/dist/render-cli.js"
if [[ -f "$CLI" && -d "$ROOT/hosts/gateway/node_modules/yaml" ]]; then
  "$HELM" template diaspora "$CHARTS/diaspora" "${KEY_ARGS[@]}" --show-only charts/gateway/templates/configmap.yaml \
    >"$WORK/configmap.yaml"
  JWT_PUBLIC_KEY="$(cat "$WORK/jwt-public.pem")" node "$CLI" "$ROOT/kong/kong.yml" >"$WORK/kong-cli.yml"
  (cd "$ROOT/hosts/gateway" && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { isDeepStrictEqual } from "node:util";
    import { parse } from "yaml";
    const [configMap, cli] = process.argv.slice(1);
    const fromHelm = parse(parse(readFileSync(configMap, "utf8")).data["kong.yml"]);
    const fromCli = parse(readFileSync(cli, "utf8"));
    if (!isDeepStrictEqual(fromHelm, fromCli)) {
      console.error("the chart renders kong.yml differently from render-cli");
      process.exit(1);
    }
  ' "$WORK/configmap.yaml" "$WORK/kong-cli.yml") || die "kong.yml: Helm and render-cli disagree"
  say "kong.yml: Helm rendering equals render-cli"
else
  say "kong.yml: render-cli not built, Helm/render-cli comparison skipped"
fi

# --- compose and terraform (best effort: only with the tools at hand) --------------------------------------
if docker compose version >/dev/null 2>&1; then
  docker compose -f "$ROOT/docker-compose.yml" --profile all config -q && say "docker compose config: ok"
elif [[ -d "$ROOT/hosts/gateway/node_modules/yaml" ]]; then
  (cd "$ROOT/hosts/gateway" && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { parseDocument } from "yaml";
    const doc = parseDocument(readFileSync(process.argv[1], "utf8"), { merge: true });
    if (doc.errors.length) { console.error(doc.errors.join("\n")); process.exit(1); }
    const services = Object.keys(doc.toJS({ maxAliasCount: -1 }).services ?? {});
    if (!services.includes("user-service") || !services.includes("kong")) process.exit(1);
  ' "$ROOT/docker-compose.yml") || die "docker-compose.yml does not parse"
  say "docker-compose.yml: parses (no docker compose here for a full check)"
else
  say "docker-compose.yml: no docker compose and no yaml package here, skipped"
fi
if command -v terraform >/dev/null 2>&1; then
  # stderr dropped: terraform warns about a missing ~/.terraformrc on every call.
  if ! terraform fmt -check -recursive "$ROOT/deploy/terraform" >/dev/null 2>&1; then
    terraform fmt -check -recursive -diff "$ROOT/deploy/terraform" 2>/dev/null || true
    die "terraform fmt: run terraform fmt -recursive deploy/terraform"
  fi
  say "terraform fmt: ok"
  # validate needs the providers: here only where their registry (or a provider mirror) is reachable.
  tfdata="$WORK/terraform"
  if TF_DATA_DIR="$tfdata" terraform -chdir="$ROOT/deploy/terraform/platform" init -backend=false -input=false -no-color \
    >"$WORK/tf-init.log" 2>&1; then
    TF_DATA_DIR="$tfdata" terraform -chdir="$ROOT/deploy/terraform/platform" validate -no-color ||
      die "terraform validate failed"
    say "terraform validate: ok"
  else
    say "terraform validate: skipped (providers cannot be installed here: $(grep -m1 -o 'Failed to[^.]*' "$WORK/tf-init.log" || echo 'init failed'))"
  fi
fi

say "all deployment checks passed"
