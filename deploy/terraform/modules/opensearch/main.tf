# OpenSearch domain for the search service: inside the VPC, HTTPS only, encrypted at rest and between
# nodes, reachable only from the EKS nodes (security group), zone-aware when it has several nodes.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  zone_aware = var.instance_count > 1
  zone_count = min(length(var.subnet_ids), 3)
  # A VPC domain takes one subnet per zone it spans.
  subnet_ids = local.zone_aware ? slice(var.subnet_ids, 0, local.zone_count) : [var.subnet_ids[0]]
  domain_arn = "arn:${data.aws_partition.current.partition}:es:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:domain/${var.name}"
  # No principals given: the network (VPC + security group) is the boundary and requests need no SigV4.
  principals = length(var.access_principal_arns) > 0 ? var.access_principal_arns : ["*"]
}

resource "aws_security_group" "this" {
  name        = "${var.name}-opensearch"
  description = "OpenSearch HTTPS from the EKS nodes only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-opensearch" })
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  count = length(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.this.id
  referenced_security_group_id = var.allowed_security_group_ids[count.index]
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "HTTPS from EKS nodes"
}

# Once per account; set create_service_linked_role = false where it already exists.
resource "aws_iam_service_linked_role" "opensearch" {
  count            = var.create_service_linked_role ? 1 : 0
  aws_service_name = "opensearchservice.amazonaws.com"
}

resource "aws_opensearch_domain" "this" {
  domain_name    = var.name
  engine_version = var.engine_version

  cluster_config {
    instance_type          = var.instance_type
    instance_count         = var.instance_count
    zone_awareness_enabled = local.zone_aware

    dynamic "zone_awareness_config" {
      for_each = local.zone_aware ? [1] : []
      content {
        availability_zone_count = local.zone_count
      }
    }
  }

  vpc_options {
    subnet_ids         = local.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  ebs_options {
    ebs_enabled = true
    volume_type = "gp3"
    volume_size = var.volume_size_gb
  }

  encrypt_at_rest {
    enabled    = true
    kms_key_id = var.kms_key_arn
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }

  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = local.principals }
      Action    = "es:ESHttp*"
      Resource  = "${local.domain_arn}/*"
    }]
  })

  tags = var.tags

  depends_on = [aws_iam_service_linked_role.opensearch]
}
