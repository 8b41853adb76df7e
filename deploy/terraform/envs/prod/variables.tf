variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "Environment name; resources are named diaspora-<environment>."
  type        = string
  default     = "prod"
}

variable "vpc_cidr" {
  description = "VPC CIDR block."
  type        = string
  default     = "10.20.0.0/16"
}

variable "enabled_services" {
  description = "Services deployed in this environment (mirror the Helm values): each gets a PostgreSQL instance; content/integration bring DocumentDB, search brings OpenSearch."
  type        = list(string)
  default     = ["user"]

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
  default     = ["https://app.diaspora.example"]
}
