output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "azs" {
  description = "Availability zones in use, in subnet order."
  value       = local.azs
}

output "private_subnet_ids" {
  description = "Private subnets (one per AZ): EKS nodes and data stores."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnets (one per AZ): internet-facing load balancers and NAT gateways."
  value       = aws_subnet.public[*].id
}
