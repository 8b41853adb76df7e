variable "bucket_name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for server-side encryption."
  type        = string
}

variable "cors_allowed_origins" {
  description = "Origins allowed to upload with presigned URLs; empty = no CORS rule."
  type        = list(string)
  default     = []
}

variable "noncurrent_version_days" {
  description = "Days before overwritten or deleted object versions expire."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "Allow terraform destroy to empty the bucket (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
