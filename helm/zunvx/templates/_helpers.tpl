{{/* Names and labels shared by every object of the release. */}}
{{- define "zunvx.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "zunvx.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "zunvx.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "zunvx.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "zunvx.secretName" -}}
{{- .Values.database.existingSecret | default (printf "%s-secrets" (include "zunvx.fullname" .)) -}}
{{- end -}}

{{- define "zunvx.apiUrl" -}}
{{- .Values.api.publicUrl | default (printf "http://%s-api:%v" (include "zunvx.fullname" .) .Values.api.port) -}}
{{- end -}}

{{/* Environment common to every role: the ConfigMap, the Secret, the policy file. */}}
{{- define "zunvx.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "zunvx.fullname" . }}-config
  - secretRef:
      name: {{ include "zunvx.secretName" . }}
{{- end -}}

{{/* Probes and ports of the ops server that every role runs. */}}
{{- define "zunvx.probes" -}}
livenessProbe:
  httpGet: {path: /healthz, port: ops}
  periodSeconds: 10
  failureThreshold: 6
readinessProbe:
  httpGet: {path: /readyz, port: ops}
  periodSeconds: 5
startupProbe:
  httpGet: {path: /healthz, port: ops}
  periodSeconds: 2
  failureThreshold: 60
{{- end -}}

