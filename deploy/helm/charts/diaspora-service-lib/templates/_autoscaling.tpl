{{- define "diaspora-service-lib.hpa" -}}
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "diaspora-service-lib.fullname" . }}
  labels:
    {{- include "diaspora-service-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "diaspora-service-lib.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
    {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* maxUnavailable (not minAvailable) so that a single-replica dev install never blocks node drains. */}}
{{- define "diaspora-service-lib.pdb" -}}
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "diaspora-service-lib.fullname" . }}
  labels:
    {{- include "diaspora-service-lib.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable | default 1 }}
  selector:
    matchLabels:
      {{- include "diaspora-service-lib.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{- define "diaspora-service-lib.serviceMonitor" -}}
{{- $global := .Values.global | default dict -}}
{{- if or .Values.serviceMonitor.enabled (dig "serviceMonitor" "enabled" false $global) }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "diaspora-service-lib.fullname" . }}
  labels:
    {{- include "diaspora-service-lib.labels" . | nindent 4 }}
    {{- with (.Values.serviceMonitor.labels | default (dig "serviceMonitor" "labels" dict $global)) }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "diaspora-service-lib.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ .Values.serviceMonitor.interval | default "30s" }}
{{- end }}
{{- end -}}
