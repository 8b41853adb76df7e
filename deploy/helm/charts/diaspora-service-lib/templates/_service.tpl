{{- define "diaspora-service-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "diaspora-service-lib.fullname" . }}
  labels:
    {{- include "diaspora-service-lib.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "diaspora-service-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: 8080
      targetPort: http
      protocol: TCP
      appProtocol: http
    - name: grpc
      port: 9090
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
{{- end -}}
