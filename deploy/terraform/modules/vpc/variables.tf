variable "name" {
  description = "Name prefix for every resource, e.g. diaspora-prod."
  type        = string
}

variable "cidr" {
  description = "VPC CIDR block; /16 recommended (pods take VPC addresses)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "az_count" {
  description = "Number of availability zones to span (2 for dev, 3 for prod)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6
    error_message = "az_count must be between 2 and 6 (EKS and the data stores need at least two zones)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper, dev) instead of one per zone (prod)."
  type        = bool
  default     = true
}

variable "cluster_name" {
  description = "EKS cluster name, for the subnet tags the AWS load balancer controller discovers."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
