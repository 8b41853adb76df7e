# shellcheck shell=bash
# OpenSearch 2.19.6, single node, security off, for the search service's contract suite (sourced by
# scripts/ci-servers.sh, which gives say/die/wait_for/stop_pid, $ROOT, $DIR and $TOOLS).
# No distribution tarball can be fetched here, so the node is assembled from Maven Central: the server jar and its
# runtime dependencies become lib/, and each module it needs (transport-netty4 for HTTP, analysis-common for
# asciifolding and the French/English analyzers, mapper-extras for search_as_you_type) becomes modules/<name>/
# with the descriptor the build would have written. Started on the machine's Java 17 with a 512 MB heap, as a
# system user of its own when run as root; HTTP on 9210, transport on 9310.
OPENSEARCH_VERSION=2.19.6
OPENSEARCH_HTTP_PORT=9210
OPENSEARCH_TRANSPORT_PORT=9310
OPENSEARCH_HOME="$ROOT/.tools/opensearch-$OPENSEARCH_VERSION"

opensearch_up() {
  curl -fsS -m 2 "http://127.0.0.1:$OPENSEARCH_HTTP_PORT/_cluster/health" 2>/dev/null | grep -q '"status":"\(green\|yellow\)"'
}

# opensearch_fetch GROUP:ARTIFACT[:VERSION] OUTDIR: the artifact and its runtime dependencies, through a
# throwaway pom (the version defaults to OpenSearch's).
opensearch_fetch() {
  local coordinate="$1" out="$2" work group artifact version
  IFS=: read -r group artifact version <<<"$coordinate"
  work="$(mktemp -d)"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.diaspora</groupId><artifactId>opensearch-assembly</artifactId><version>1</version>
  <dependencies>
    <dependency>
      <groupId>$group</groupId><artifactId>$artifact</artifactId><version>${version:-$OPENSEARCH_VERSION}</version>
    </dependency>
  </dependencies>
</project>
POM
  mkdir -p "$out"
  (cd "$work" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out") >&2 ||
    { rm -rf "$work"; return 1; }
  rm -rf "$work"
}

# opensearch_module NAME ARTIFACT CLASSNAME: modules/NAME holds the plugin jar and those of its dependencies the
# server does not already have (the node refuses duplicate jars: "jar hell").
opensearch_module() {
  local name="$1" artifact="$2" classname="$3" dir="$OPENSEARCH_HOME/modules/$1" jar
  opensearch_fetch "$artifact" "$dir" || return 1
  for jar in "$dir"/*.jar; do
    [[ -e "$OPENSEARCH_HOME/lib/$(basename "$jar")" ]] && rm -f "$jar"
  done
  # The server's own libraries (opensearch-core, -common, …) arrive under the module too; the server has them.
  rm -f "$dir"/opensearch-"$OPENSEARCH_VERSION".jar
  cat >"$dir/plugin-descriptor.properties" <<PROPS
description=$name module (assembled from Maven Central)
version=$OPENSEARCH_VERSION
name=$name
classname=$classname
java.version=11
opensearch.version=$OPENSEARCH_VERSION
extended.plugins=
has.native.controller=false
PROPS
}

opensearch_assemble() {
  [[ -f "$OPENSEARCH_HOME/.assembled" ]] && return 0
  command -v java >/dev/null && command -v mvn >/dev/null || return 1
  say "assembling OpenSearch $OPENSEARCH_VERSION from Maven Central into .tools/ (a few minutes on a cold cache)"
  local started=$SECONDS
  rm -rf "$OPENSEARCH_HOME"
  # The node checks that every directory of a distribution exists (bin/ stays empty: we start java ourselves).
  mkdir -p "$OPENSEARCH_HOME/bin" "$OPENSEARCH_HOME/config" "$OPENSEARCH_HOME/modules" "$OPENSEARCH_HOME/plugins"
  opensearch_fetch org.opensearch:opensearch "$OPENSEARCH_HOME/lib" || return 1
  # The distribution's lib/ also holds the class loader of plugins that extend others.
  opensearch_fetch org.opensearch:opensearch-plugin-classloader "$OPENSEARCH_HOME/lib" || return 1
  # The server declares log4j-core optional in its pom; the distribution ships it in lib/, same version as the api.
  local log4j
  log4j="$(basename "$OPENSEARCH_HOME"/lib/log4j-api-*.jar .jar)"
  opensearch_fetch "org.apache.logging.log4j:log4j-core:${log4j#log4j-api-}" "$OPENSEARCH_HOME/lib" || return 1
  opensearch_module transport-netty4 org.opensearch.plugin:transport-netty4-client \
    org.opensearch.transport.Netty4Plugin || return 1
  # Netty opens sockets and sets context class loaders: the grants of the module's own plugin-security.policy.
  cat >"$OPENSEARCH_HOME/modules/transport-netty4/plugin-security.policy" <<'POLICY'
grant {
  permission java.io.FilePermission "/proc/sys/net/core/somaxconn", "read";
  permission java.net.SocketPermission "*", "accept,connect";
  permission java.lang.RuntimePermission "*", "setContextClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
  permission java.util.PropertyPermission "sun.nio.ch.bugLevel", "write";
};
POLICY
  opensearch_module analysis-common org.opensearch.plugin:analysis-common \
    org.opensearch.analysis.common.CommonAnalysisPlugin || return 1
  # search_as_you_type (suggestions) is a mapper-extras field type.
  opensearch_module mapper-extras org.opensearch.plugin:mapper-extras-client \
    org.opensearch.index.mapper.MapperExtrasPlugin || return 1
  cat >"$OPENSEARCH_HOME/config/log4j2.properties" <<'LOG'
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %m%n
rootLogger.level = warn
rootLogger.appenderRef.console.ref = console
LOG
  touch "$OPENSEARCH_HOME/.assembled"
  say "OpenSearch assembled in $((SECONDS - started)) s"
}

opensearch_start() {
  if opensearch_up; then
    say "opensearch already running on $OPENSEARCH_HTTP_PORT"
    return
  fi
  if ! opensearch_assemble; then
    say "warning: OpenSearch could not be assembled (java/mvn or Maven Central missing): its contract suite will be skipped"
    return
  fi
  # The node writes its keystore into its config dir, so each run gets its own beside its data.
  local data="$DIR/opensearch" run=()
  mkdir -p "$data/data" "$data/logs" "$data/config"
  cp "$OPENSEARCH_HOME/config/log4j2.properties" "$data/config/"
  # OpenSearch refuses to run as root: then it runs as a system user of its own that owns only its data dir.
  if [[ $(id -u) -eq 0 ]]; then
    id -u opensearch >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin opensearch
    chown -R opensearch: "$data"
    run=(runuser -u opensearch --)
  fi
  cat >"$data/config/opensearch.yml" <<YML
cluster.name: diaspora-ci
node.name: ci
discovery.type: single-node
network.host: 127.0.0.1
http.port: $OPENSEARCH_HTTP_PORT
transport.port: $OPENSEARCH_TRANSPORT_PORT
path.data: $data/data
path.logs: $data/logs
action.auto_create_index: false
cluster.routing.allocation.disk.threshold_enabled: false
YML
  say "starting opensearch on $OPENSEARCH_HTTP_PORT"
  # Own session and no inherited stdio, like nats-server: it outlives this script.
  setsid "${run[@]}" java -Xms512m -Xmx512m -XX:+UseG1GC -Djava.io.tmpdir="$data" -Djava.security.manager=allow \
    -Dopensearch.path.home="$OPENSEARCH_HOME" -Dopensearch.path.conf="$data/config" \
    -Dopensearch.distribution.type=tar -Dopensearch.bundled_jdk=false -Dlog4j2.formatMsgNoLookups=true \
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
    -cp "$OPENSEARCH_HOME/lib/*" org.opensearch.bootstrap.OpenSearch </dev/null >"$DIR/opensearch.log" 2>&1 &
  echo $! >"$DIR/opensearch.pid"
  wait_for "opensearch" 120 opensearch_up
}

opensearch_stop() {
  [[ -f "$DIR/opensearch.pid" ]] && say "stopping opensearch"
  stop_pid "$DIR/opensearch.pid"
}

opensearch_exports() {
  if opensearch_up; then echo "export OPENSEARCH_URL=http://127.0.0.1:$OPENSEARCH_HTTP_PORT"; fi
}
