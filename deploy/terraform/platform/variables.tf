variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "Environment name (dev, staging, prod); resources are named diaspora-<environment>."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment is dev, staging or prod."
  }
}

variable "production" {
  description = "Production guarantees: a NAT gateway per zone, Multi-AZ stores, deletion protection, immutable image tags, KMS 30-day window."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days of automated RDS/DocumentDB backups (point-in-time restore window; deploy/README.md, Backup and restore)."
  type        = number
  default     = 7
}

variable "sizing" {
  description = "Instance sizes and counts of the environment (envs/<environment>.tfvars)."
  type = object({
    az_count             = number
    node_instance_types  = list(string)
    node_capacity_type   = string
    node_min             = number
    node_max             = number
    postgres_class       = string
    cache_node_type      = string
    documentdb_class     = string
    search_instance_type = string
    store_instances      = number
  })
}

variable "kubernetes_namespace" {
  description = "Namespace the Helm release runs in (the IRSA roles trust its service accounts); default diaspora-<environment>."
  type        = string
  default     = ""
}

variable "vpc_cidr" {
  description = "VPC CIDR block (the NetworkPolicies' storeCidrs in the Helm values of the environment)."
  type        = string
}

variable "enabled_services" {
  description = "Services deployed in this environment (mirror the Helm values): each gets a PostgreSQL instance; content/integration bring DocumentDB, search brings OpenSearch."
  type        = list(string)
  default     = ["user", "event", "content", "messaging", "notification", "payment", "search", "integration", "admin"]

  validation {
    condition = alltrue([for s in var.enabled_services : contains(
      ["user", "event", "content", "messaging", "notification", "payment", "search", "integration", "admin"], s
    )])
    error_message = "enabled_services may only name the nine platform services."
  }
}

variable "admin_principal_arns" {
  description = "IAM roles/users that get cluster-admin on EKS."
  type        = list(string)
  default     = []
}

variable "api_public_access_cidrs" {
  description = "CIDRs allowed to reach the EKS API endpoint (office, VPN, CI runners); no default on purpose."
  type        = list(string)
}

variable "media_cors_origins" {
  description = "Web origins allowed to upload media with presigned URLs."
  type        = list(string)
}
