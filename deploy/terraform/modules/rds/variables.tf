variable "name" {
  description = "Name prefix, e.g. diaspora-prod; instances are <name>-<service>."
  type        = string
}

variable "services" {
  description = "Services that get their own PostgreSQL instance (database <service>_service)."
  type        = list(string)
}

variable "vpc_id" {
  description = "VPC of the instances."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (at least two AZs)."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 5432 (the EKS node security group)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key for storage, master password secrets and Performance Insights."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL version (major or major.minor)."
  type        = string
  default     = "16"
}

variable "instance_class" {
  description = "Instance class of every instance."
  type        = string
  default     = "db.t4g.micro"
}

variable "allocated_storage_gb" {
  description = "Initial storage per instance."
  type        = number
  default     = 20
}

variable "max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling per instance."
  type        = number
  default     = 100
}

variable "multi_az" {
  description = "Synchronous standby in a second AZ (prod)."
  type        = bool
  default     = false
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

variable "performance_insights" {
  description = "Enable Performance Insights."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
