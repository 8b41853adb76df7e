variable "name" {
  description = "Cluster identifier, e.g. diaspora-prod."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (at least two AZs)."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 27017 (the EKS node security group)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key for storage and the credentials secret."
  type        = string
}

variable "engine_version" {
  description = "DocumentDB engine version."
  type        = string
  default     = "5.0.0"
}

variable "instance_class" {
  description = "Instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "instance_count" {
  description = "Instances in the cluster (1 for dev, 3 for prod)."
  type        = number
  default     = 1
}

variable "master_username" {
  description = "Master user name."
  type        = string
  default     = "diaspora"
}

variable "backup_retention_days" {
  description = "Automated backup retention."
  type        = number
  default     = 7
}

variable "deletion_protection" {
  description = "Refuse deletion and take a final snapshot (prod)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
