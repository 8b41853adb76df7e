# Prod: three zones with a NAT gateway each, Multi-AZ data stores, deletion protection, longer backups.
# Data stores appear as services are enabled (var.enabled_services), mirroring the Helm values.
locals {
  name         = "diaspora-${var.environment}"
  all_services = ["user", "event", "content", "messaging", "notification", "payment", "search", "integration", "admin"]
  needs_mongo  = length(setintersection(var.enabled_services, ["content", "integration"])) > 0
  needs_search = contains(var.enabled_services, "search")
  node_sg_ids  = [module.eks.node_security_group_id]
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "main" {
  description             = "${local.name}: EKS secrets, databases, cache, search, S3, Secrets Manager"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.main.key_id
}

module "vpc" {
  source = "../../modules/vpc"

  name               = local.name
  cidr               = var.vpc_cidr
  az_count           = 3
  single_nat_gateway = false
  cluster_name       = local.name
}

module "eks" {
  source = "../../modules/eks"

  name                 = local.name
  subnet_ids           = module.vpc.private_subnet_ids
  kms_key_arn          = aws_kms_key.main.arn
  public_access_cidrs  = var.api_public_access_cidrs
  admin_principal_arns = var.admin_principal_arns
  node_instance_types  = ["m6i.large"]
  node_capacity_type   = "ON_DEMAND"
  node_min_size        = 3
  node_max_size        = 12
  node_desired_size    = 3
  log_retention_days   = 90
}

module "rds" {
  source = "../../modules/rds"

  name                       = local.name
  services                   = var.enabled_services
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  instance_class             = "db.m7g.large"
  allocated_storage_gb       = 50
  max_allocated_storage_gb   = 500
  multi_az                   = true
  backup_retention_days      = 14
  deletion_protection        = true
  performance_insights       = true
}

module "elasticache" {
  source = "../../modules/elasticache"

  name                       = local.name
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  node_type                  = "cache.m7g.large"
  num_cache_clusters         = 2
  snapshot_retention_days    = 7
}

module "documentdb" {
  source = "../../modules/documentdb"
  count  = local.needs_mongo ? 1 : 0

  name                       = local.name
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  instance_class             = "db.r6g.large"
  instance_count             = 3
  backup_retention_days      = 14
  deletion_protection        = true
}

module "opensearch" {
  source = "../../modules/opensearch"
  count  = local.needs_search ? 1 : 0

  name                       = local.name
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  instance_type              = "m6g.large.search"
  instance_count             = 3
  volume_size_gb             = 100
}

module "media" {
  source = "../../modules/s3"

  bucket_name          = "${local.name}-media-${data.aws_caller_identity.current.account_id}"
  kms_key_arn          = aws_kms_key.main.arn
  cors_allowed_origins = var.media_cors_origins
  force_destroy        = false
}

# Images of every service (repository <name>-service), so enabling one needs no infrastructure change.
resource "aws_ecr_repository" "service" {
  for_each = toset(local.all_services)

  name                 = "diaspora/${each.key}-service"
  image_tag_mutability = "IMMUTABLE" # a deployed tag (commit SHA) never changes underneath
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.main.arn
  }
}
