{{- define "diaspora-service-lib.deployment" -}}
{{- $name := include "diaspora-service-lib.name" . -}}
{{- $global := .Values.global | default dict -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "diaspora-service-lib.fullname" . }}
  labels:
    {{- include "diaspora-service-lib.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "diaspora-service-lib.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 25%
  template:
    metadata:
      labels:
        {{- include "diaspora-service-lib.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- if eq (dig "mesh" "none" $global) "istio" }}
        sidecar.istio.io/inject: "true"
        {{- end }}
      annotations:
        {{- if eq (dig "mesh" "none" $global) "linkerd" }}
        linkerd.io/inject: enabled
        {{- end }}
        prometheus.io/scrape: "true"
        prometheus.io/port: "8080"
        prometheus.io/path: /metrics
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- include "diaspora-service-lib.podCommon" . | nindent 6 }}
      # The migration Job (a pre-install hook, before this account exists) keeps the namespace default: it
      # needs the database only, no cloud identity.
      serviceAccountName: {{ include "diaspora-service-lib.serviceAccountName" . }}
      terminationGracePeriodSeconds: {{ include "diaspora-service-lib.terminationGrace" . }}
      {{- if or .Values.topologySpread (dig "topologySpread" false $global) }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "diaspora-service-lib.selectorLabels" . | nindent 14 }}
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "diaspora-service-lib.selectorLabels" . | nindent 14 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $name }}
          image: {{ include "diaspora-service-lib.image" . }}
          imagePullPolicy: {{ include "diaspora-service-lib.pullPolicy" . }}
          command: ["node", "services/{{ $name }}/dist/main.js"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            - name: grpc
              containerPort: 9090
              protocol: TCP
          env:
            {{- include "diaspora-service-lib.env" . | trim | nindent 12 }}
          # Generous startup window (migrations may run on boot when the Job is off), strict afterwards.
          startupProbe:
            httpGet: { path: /health/live, port: http }
            periodSeconds: 2
            failureThreshold: 90
          livenessProbe:
            httpGet: { path: /health/live, port: http }
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet: { path: /health/ready, port: http }
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          lifecycle:
            # Endpoints and Kong take a moment to stop routing here; keep serving until they have.
            preStop:
              exec:
                command: ["sleep", "{{ .Values.preStopSleepSeconds }}"]
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- include "diaspora-service-lib.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            {{- include "diaspora-service-lib.volumeMounts" . | trim | nindent 12 }}
{{- end -}}
