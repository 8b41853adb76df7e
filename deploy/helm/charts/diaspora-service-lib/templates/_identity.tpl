{{/*
One ServiceAccount per service, so that cloud identities are per service: on EKS its annotation
eks.amazonaws.com/role-arn names the IRSA role Terraform made for it (deploy/terraform/platform/iam.tf,
arn:aws:iam::<global.aws.accountId>:role/<global.aws.iamRolePrefix>-<name>-service), e.g. the content and messaging roles that may use the media bucket and nothing else.
The pods still do not mount a Kubernetes API token (they never call the API); the EKS webhook projects the
AWS web identity token on its own.
*/}}
{{- define "diaspora-service-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "diaspora-service-lib.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "diaspora-service-lib.serviceAccount" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "diaspora-service-lib.serviceAccountName" . }}
  labels:
    {{- include "diaspora-service-lib.labels" . | nindent 4 }}
  {{- $global := .Values.global | default dict }}
  {{- $annotations := deepCopy (.Values.serviceAccount.annotations | default dict) }}
  {{- with (dig "aws" "iamRolePrefix" "" $global) }}
  {{- $account := required "global.aws.accountId is required with global.aws.iamRolePrefix" (dig "aws" "accountId" "" $global) }}
  {{- $_ := set $annotations "eks.amazonaws.com/role-arn" (printf "arn:aws:iam::%s:role/%s-%s" (toString $account) . (include "diaspora-service-lib.fullname" $)) }}
  {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end -}}
