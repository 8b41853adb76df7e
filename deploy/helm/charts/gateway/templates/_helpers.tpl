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
