{{/* Names: the Service must be `<name>-service`; Kong and the other services dial that DNS name. */}}
{{- define "diaspora-service-lib.name" -}}
{{- required "values.name (the service name, e.g. user) is required" .Values.name -}}
{{- end -}}

{{- define "diaspora-service-lib.fullname" -}}
{{- printf "%s-service" (include "diaspora-service-lib.name" .) -}}
{{- end -}}

{{- define "diaspora-service-lib.tag" -}}
{{- $global := .Values.global | default dict -}}
{{- .Values.image.tag | default (dig "image" "tag" "" $global) | default .Chart.AppVersion | toString -}}
{{- end -}}

{{- define "diaspora-service-lib.image" -}}
{{- $global := .Values.global | default dict -}}
{{- $registry := dig "image" "registry" "ghcr.io/diaspora" $global -}}
{{- $repository := .Values.image.repository | default (printf "%s/%s" $registry (include "diaspora-service-lib.fullname" .)) -}}
{{- printf "%s:%s" $repository (include "diaspora-service-lib.tag" .) -}}
{{- end -}}

{{- define "diaspora-service-lib.pullPolicy" -}}
{{- $global := .Values.global | default dict -}}
{{- .Values.image.pullPolicy | default (dig "image" "pullPolicy" "IfNotPresent" $global) -}}
{{- end -}}

{{- define "diaspora-service-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "diaspora-service-lib.fullname" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "diaspora-service-lib.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "diaspora-service-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ include "diaspora-service-lib.tag" . | quote }}
app.kubernetes.io/component: service
app.kubernetes.io/part-of: diaspora
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Seconds the pod gets after SIGTERM: preStop pause + the service's own drain budget + slack. */}}
{{- define "diaspora-service-lib.terminationGrace" -}}
{{- $drain := div (add (int .Values.shutdownTimeoutMs) 999) 1000 -}}
{{- add $drain (int .Values.preStopSleepSeconds) 5 -}}
{{- end -}}

{{/*
Container env. Order of precedence: distributed-mode defaults < global.env < env < the settings the chart
owns (ports and drain budget
must match the Service, probes and grace period; MIGRATE_ON_BOOT is false when the Job migrates).
An empty or null value removes a variable set at a lower level (e.g. the user service drops AUTH_JWKS_URL).
*/}}
{{- define "diaspora-service-lib.env" -}}
{{- $global := .Values.global | default dict -}}
{{- $env := dict "LOG_LEVEL" "info" "BUS_URL" "nats://nats:4222" "CACHE_URL" "redis://redis:6379" -}}
{{- $_ := set $env "AUTH_JWKS_URL" "http://user-service:8080/.well-known/jwks.json" -}}
{{- range $k, $v := (dig "env" dict $global) }}{{ $_ := set $env $k $v }}{{ end -}}
{{- range $k, $v := (.Values.env | default dict) }}{{ $_ := set $env $k $v }}{{ end -}}
{{- $_ := set $env "HOST" "0.0.0.0" -}}
{{- $_ := set $env "HTTP_PORT" "8080" -}}
{{- $_ := set $env "GRPC_PORT" "9090" -}}
{{- $_ := set $env "SHUTDOWN_TIMEOUT_MS" (int .Values.shutdownTimeoutMs) -}}
{{- $_ := set $env "MIGRATE_ON_BOOT" (ternary "false" "true" (.Values.migrations.enabled | default false)) -}}
{{- range $k := keys $env | sortAlpha }}
{{- $v := get $env $k }}
{{- if kindIs "float64" $v }}{{ $v = int64 $v }}{{ end }}
{{- if and (not (kindIs "invalid" $v)) (ne (toString $v) "") }}
- name: {{ $k }}
  value: {{ toString $v | quote }}
{{- end }}
{{- end }}
{{- range $name, $ref := (.Values.secretEnv | default dict) }}
{{- if not (kindIs "invalid" $ref) }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secret | default (include "diaspora-service-lib.fullname" $) }}
      key: {{ $ref.key | default $name }}
{{- end }}
{{- end }}
{{- range $name, $ref := (include "diaspora-service-lib.secretFiles" . | fromYaml) }}
- name: {{ $name }}_FILE
  value: /var/run/secrets/diaspora/{{ $name }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Secrets as files (`<NAME>_FILE`, read once at boot by the service's config loader): the service identity
(its own Ed25519 key in Secret <name>-service-identity, the peers' JWKS in Secret diaspora-service-peers, both
made by deploy/helm/service-identities.mjs) and, with global.grpcTls, the gRPC mutual-TLS certificate (Secret
<name>-service-grpc-tls in cert-manager's layout: tls.crt, tls.key, ca.crt) under global.secretFiles (e.g. a shared CACHE_URL with its auth
token) under the service's own secretFiles.
*/}}
{{- define "diaspora-service-lib.secretFiles" -}}
{{- $global := .Values.global | default dict -}}
{{- $files := dict -}}
{{- $identity := .Values.serviceIdentity | default dict -}}
{{- if $identity.enabled }}
{{- $_ := set $files "SERVICE_PRIVATE_KEY" (dict "secret" (printf "%s-identity" (include "diaspora-service-lib.fullname" .)) "key" "private.pem") -}}
{{- $_ := set $files "SERVICE_PEER_KEYS" (dict "secret" ($identity.peersSecret | default "diaspora-service-peers") "key" "jwks.json") -}}
{{- end -}}
{{- if dig "grpcTls" false $global }}
{{- $tlsSecret := printf "%s-grpc-tls" (include "diaspora-service-lib.fullname" .) -}}
{{- $_ := set $files "GRPC_TLS_CERT" (dict "secret" $tlsSecret "key" "tls.crt") -}}
{{- $_ := set $files "GRPC_TLS_KEY" (dict "secret" $tlsSecret "key" "tls.key") -}}
{{- $_ := set $files "GRPC_TLS_CA" (dict "secret" $tlsSecret "key" "ca.crt") -}}
{{- end -}}
{{- range $k, $v := (dig "secretFiles" dict $global) }}{{ $_ := set $files $k $v }}{{ end -}}
{{- range $k, $v := (.Values.secretFiles | default dict) }}{{ $_ := set $files $k $v }}{{ end -}}
{{- range $k, $v := $files }}{{ if kindIs "invalid" $v }}{{ $_ := unset $files $k }}{{ end }}{{ end -}}
{{- toYaml $files -}}
{{- end -}}

{{- define "diaspora-service-lib.volumes" -}}
- name: tmp
  emptyDir: {}
{{- $files := include "diaspora-service-lib.secretFiles" . | fromYaml }}
{{- if $files }}
- name: secrets
  projected:
    defaultMode: 0440
    sources:
{{- range $name, $ref := $files }}
      - secret:
          name: {{ $ref.secret | default (include "diaspora-service-lib.fullname" $) }}
          items:
            - key: {{ $ref.key | default $name }}
              path: {{ $name }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "diaspora-service-lib.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if (include "diaspora-service-lib.secretFiles" . | fromYaml) }}
- name: secrets
  mountPath: /var/run/secrets/diaspora
  readOnly: true
{{- end }}
{{- end -}}

{{- define "diaspora-service-lib.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "diaspora-service-lib.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Pod-level settings shared by the Deployment and the migration Job. */}}
{{- define "diaspora-service-lib.podCommon" -}}
{{- $global := .Values.global | default dict -}}
automountServiceAccountToken: false
{{- with (.Values.imagePullSecrets | default (dig "imagePullSecrets" list $global)) }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- include "diaspora-service-lib.podSecurityContext" . | nindent 2 }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  {{- include "diaspora-service-lib.volumes" . | nindent 2 }}
{{- end -}}
