variable "name" {
  description = "Cluster name, e.g. diaspora-prod."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
  default     = "1.33"
}

variable "subnet_ids" {
  description = "Private subnets for the control plane ENIs and the nodes (at least two AZs)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts Kubernetes Secrets."
  type        = string
}

variable "endpoint_public_access" {
  description = "Expose the API server endpoint publicly (restricted to public_access_cidrs)."
  type        = bool
  default     = true
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the public API endpoint (office, VPN, CI)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "admin_principal_arns" {
  description = "IAM roles/users granted cluster-admin through EKS access entries (not the identity running terraform: it is admin already)."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "Instance types of the default node group."
  type        = list(string)
  default     = ["t3.large"]
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "node_disk_size_gb" {
  description = "Root volume size of each node."
  type        = number
  default     = 50
}

variable "node_min_size" {
  description = "Minimum node count."
  type        = number
  default     = 2
}

variable "node_max_size" {
  description = "Maximum node count."
  type        = number
  default     = 6
}

variable "node_desired_size" {
  description = "Initial node count (later managed by the cluster autoscaler)."
  type        = number
  default     = 2
}

variable "log_retention_days" {
  description = "Retention of the control plane logs."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
