variable "name" {
  description = "Domain name (3-28 lowercase characters), e.g. diaspora-prod."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the domain."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets, one per AZ; the first 1 (single node) or up to 3 (zone aware) are used."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 443 (the EKS node security group)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key for data at rest."
  type        = string
}

variable "engine_version" {
  description = "OpenSearch version."
  type        = string
  default     = "OpenSearch_2.17"
}

variable "instance_type" {
  description = "Data node instance type."
  type        = string
  default     = "t3.small.search"
}

variable "instance_count" {
  description = "Data nodes: 1 for dev, a multiple of the zone count (3) for prod."
  type        = number
  default     = 1
}

variable "volume_size_gb" {
  description = "EBS volume per data node."
  type        = number
  default     = 20
}

variable "access_principal_arns" {
  description = "IAM principals allowed by the domain policy; empty = any caller that the network admits."
  type        = list(string)
  default     = []
}

variable "create_service_linked_role" {
  description = "Create the account-wide OpenSearch service-linked role (needed once for VPC domains)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
