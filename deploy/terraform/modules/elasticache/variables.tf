variable "name" {
  description = "Replication group id, e.g. diaspora-prod."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (at least two AZs)."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 6379 (the EKS node security group)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key for data at rest and the CACHE_URL secret."
  type        = string
}

variable "engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "Cache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "num_cache_clusters" {
  description = "Nodes: 1 for dev, 2 or more (primary + replicas, Multi-AZ) for prod."
  type        = number
  default     = 1
}

variable "snapshot_retention_days" {
  description = "Daily snapshots kept (0 disables)."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
