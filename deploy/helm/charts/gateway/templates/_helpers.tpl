{{- define "gateway.selectorLabels" -}}
app.kubernetes.io/name: gateway
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gateway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/component: gateway
app.kubernetes.io/part-of: diaspora
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The JWT public key: from values, else from the cluster Secret (lookup is empty in `helm template`). */}}
{{- define "gateway.jwtPublicKey" -}}
{{- $key := .Values.jwtPublicKey | default "" -}}
{{- if not $key -}}
{{- $secret := lookup "v1" "Secret" .Release.Namespace .Values.jwtSecret.name -}}
{{- if $secret -}}
{{- $key = index ($secret.data | default dict) .Values.jwtSecret.key | default "" | b64dec -}}
{{- end -}}
{{- end -}}
{{- if not (contains "BEGIN PUBLIC KEY" $key) -}}
{{- fail (printf "gateway: no JWT public key: pass --set-file gateway.jwtPublicKey=jwt-public.pem or create Secret %s with key %s first" .Values.jwtSecret.name .Values.jwtSecret.key) -}}
{{- end -}}
{{- trim $key -}}
{{- end -}}

{{/*
kong/kong.yml (copied into files/ by deploy/helm/sync-kong-config.sh) with `${JWT_PUBLIC_KEY}` replaced by a
YAML block scalar indented under its key, the same result as hosts/gateway's render-cli.
*/}}
{{- define "gateway.kongConfig" -}}
{{- $raw := .Files.Get "files/kong.yml" -}}
{{- if not $raw -}}
{{- fail "gateway: files/kong.yml is missing: run deploy/helm/sync-kong-config.sh" -}}
{{- end -}}
{{- $key := include "gateway.jwtPublicKey" . -}}
{{- $lines := list -}}
{{- range $line := splitList "\n" $raw -}}
{{- if hasPrefix "#" (trim $line) -}}
{{- $lines = append $lines $line -}}
{{- else if contains "${JWT_PUBLIC_KEY}" $line -}}
{{- $line = regexReplaceAll "\\s+$" $line "" -}}
{{- if not (hasSuffix ": ${JWT_PUBLIC_KEY}" $line) -}}
{{- fail (printf "gateway: ${JWT_PUBLIC_KEY} must be a whole YAML value, found: %s" $line) -}}
{{- end -}}
{{- /* key column = leading spaces and list dashes; block content goes two further */ -}}
{{- $column := len (regexFind "^[ -]*" $line) -}}
{{- $lines = append $lines (replace "${JWT_PUBLIC_KEY}" "|-" $line) -}}
{{- $lines = append $lines (indent (add $column 2 | int) $key) -}}
{{- else if regexMatch "\\$\\{[A-Z0-9_]+\\}" $line -}}
{{- fail (printf "gateway: kong.yml has a placeholder this chart does not fill: %s" $line) -}}
{{- else -}}
{{- $lines = append $lines $line -}}
{{- end -}}
{{- end -}}
{{- join "\n" $lines -}}
{{- end -}}

{{/*
The Kong config Kong runs: kong.yml as it is, or, with edge.enabled (staging, prod), with the edge settings
applied — rate limits counted in Redis (ElastiCache) so replicas share them, every route HTTPS-only with a
redirect (TLS ends at Kong: edge.tls), HSTS on every answer, bot detection and request-size limits per route.
These plugins live here, not in kong/kong.yml, because the embedded dev gateway refuses plugins it does not
implement (hosts/gateway/src/kong-config.ts).
*/}}
{{- define "gateway.runtimeConfig" -}}
{{- if not .Values.edge.enabled -}}
{{- include "gateway.kongConfig" . -}}
{{- else -}}
{{- $edge := .Values.edge -}}
{{- $config := include "gateway.kongConfig" . | fromYaml -}}
{{- if hasKey $config "Error" }}{{ fail (printf "gateway: kong.yml does not parse: %s" $config.Error) }}{{ end -}}
{{- $redis := dict "host" (required "gateway.edge.rateLimitRedis.host (terraform output redis_primary_endpoint) is required with edge.enabled" $edge.rateLimitRedis.host) "port" (int $edge.rateLimitRedis.port) "ssl" $edge.rateLimitRedis.ssl "ssl_verify" $edge.rateLimitRedis.ssl "server_name" $edge.rateLimitRedis.host "database" 0 "timeout" 2000 -}}
{{- if $edge.rateLimitRedis.authTokenSecret.name }}{{ $_ := set $redis "password" "{vault://env/redis-auth-token}" }}{{ end -}}
{{- $routeNames := list -}}
{{- $services := list -}}
{{- range $service := $config.services }}
{{- $routes := list -}}
{{- range $route := $service.routes }}
{{- $routeNames = append $routeNames $route.name -}}
{{- $plugins := list -}}
{{- range $plugin := $route.plugins | default list }}
{{- if and (eq $plugin.name "request-size-limiting") (hasKey $edge.requestSize $route.name) }}{{ continue }}{{ end -}}
{{- $plugins = append $plugins (include "gateway.edgePlugin" (dict "plugin" $plugin "redis" $redis) | fromYaml) -}}
{{- end }}
{{- with get $edge.requestSize $route.name }}
{{- $plugins = append $plugins (dict "name" "request-size-limiting" "config" (dict "allowed_payload_size" (int .size) "size_unit" .unit "require_content_length" false)) -}}
{{- end }}
{{- if has $route.name $edge.botDetection.routes }}
{{- $plugins = append $plugins (dict "name" "bot-detection" "config" (dict "allow" $edge.botDetection.allow "deny" $edge.botDetection.deny)) -}}
{{- end }}
{{- $route = merge (dict "plugins" $plugins "protocols" (list "https") "https_redirect_status_code" (int $edge.tls.redirectStatus)) (omit $route "plugins" "protocols") -}}
{{- $routes = append $routes $route -}}
{{- end }}
{{- $services = append $services (set (deepCopy $service) "routes" $routes) -}}
{{- end }}
{{- range $name := concat (keys $edge.requestSize) $edge.botDetection.routes }}
{{- if not (has $name $routeNames) }}{{ fail (printf "gateway.edge names route %q, which kong.yml does not have" $name) }}{{ end -}}
{{- end }}
{{- $global := list -}}
{{- range $plugin := $config.plugins | default list }}
{{- $global = append $global (include "gateway.edgePlugin" (dict "plugin" $plugin "redis" $redis) | fromYaml) -}}
{{- end }}
{{- $global = append $global (dict "name" "response-transformer" "config" (dict "add" (dict "headers" (list (printf "Strict-Transport-Security:%s" $edge.hsts))))) -}}
{{- $_ := set $config "services" $services -}}
{{- $_ := set $config "plugins" $global -}}
{{- toYaml $config -}}
{{- end -}}
{{- end -}}

{{/* A rate-limiting plugin counted in Redis instead of per node; any other plugin unchanged. */}}
{{- define "gateway.edgePlugin" -}}
{{- $plugin := deepCopy .plugin -}}
{{- if eq $plugin.name "rate-limiting" }}
{{- $config := omit ($plugin.config | default dict) "policy" "redis" -}}
{{- $_ := set $config "policy" "redis" -}}
{{- $_ := set $config "redis" .redis -}}
{{- $_ := set $plugin "config" $config -}}
{{- end }}
{{- toYaml $plugin -}}
{{- end -}}
