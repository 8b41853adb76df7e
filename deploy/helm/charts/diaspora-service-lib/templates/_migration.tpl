{{/*
Schema migrations run once per install/upgrade, before any new pod starts: a failed migration stops the
rollout instead of crash-looping every replica. Its pods carry their own name label so that the Service
never selects them.
*/}}
{{- define "diaspora-service-lib.migrationJob" -}}
{{- if .Values.migrations.enabled }}
{{- $name := include "diaspora-service-lib.name" . -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "diaspora-service-lib.fullname" . }}-migrate
  labels:
    app.kubernetes.io/name: {{ include "diaspora-service-lib.fullname" . }}-migrate
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/component: migration
    app.kubernetes.io/part-of: diaspora
    app.kubernetes.io/managed-by: {{ .Release.Service }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .Values.migrations.backoffLimit }}
  activeDeadlineSeconds: {{ .Values.migrations.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ include "diaspora-service-lib.fullname" . }}-migrate
        app.kubernetes.io/instance: {{ .Release.Name }}
        app.kubernetes.io/component: migration
      {{- $global := .Values.global | default dict }}
      {{- if eq (dig "mesh" "none" $global) "linkerd" }}
      annotations:
        linkerd.io/inject: disabled   # a meshed Job never completes (the proxy keeps running)
      {{- else if eq (dig "mesh" "none" $global) "istio" }}
        sidecar.istio.io/inject: "false"
      {{- end }}
    spec:
      restartPolicy: Never
      {{- include "diaspora-service-lib.podCommon" . | nindent 6 }}
      containers:
        - name: migrate
          image: {{ include "diaspora-service-lib.image" . }}
          imagePullPolicy: {{ include "diaspora-service-lib.pullPolicy" . }}
          command: ["node", "services/{{ $name }}/dist/main.js", "migrate", "up"]
          env:
            {{- include "diaspora-service-lib.env" . | trim | nindent 12 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- include "diaspora-service-lib.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            {{- include "diaspora-service-lib.volumeMounts" . | trim | nindent 12 }}
{{- end }}
{{- end -}}

{{/*
Dev convenience only: a Secret `<name>-service` from values. A hook, so that it exists before the
migration Job (also a hook) needs it. In production create the Secret outside Helm (see deploy/README.md).
*/}}
{{- define "diaspora-service-lib.secret" -}}
{{- if .Values.secret.create }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "diaspora-service-lib.fullname" . }}
  labels:
    {{- include "diaspora-service-lib.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation
type: Opaque
stringData:
  {{- range $k, $v := .Values.secret.data }}
  {{ $k }}: {{ $v | toString | quote }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Everything a service chart renders: `{{ include "diaspora-service-lib.all" . }}`. */}}
{{- define "diaspora-service-lib.all" -}}
{{- $parts := list "serviceAccount" "secret" "migrationJob" "deployment" "service" "hpa" "pdb" "serviceMonitor" -}}
{{- range $part := $parts }}
{{- $out := include (printf "diaspora-service-lib.%s" $part) $ | trim }}
{{- if $out }}
---
{{ $out }}
{{- end }}
{{- end }}
{{- end -}}
